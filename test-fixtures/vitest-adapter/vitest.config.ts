// Config of the child vitest that vitest/adapter-failure.test.ts runs: only the
// fixture specs here, which are meant to fail.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: { include: ['test-fixtures/vitest-adapter/*.spec.ts'], retry: 0, testTimeout: 20_000 },
})
