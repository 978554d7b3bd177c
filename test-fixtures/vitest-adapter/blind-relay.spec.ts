// Run by vitest/adapter-failure.test.ts in a child vitest: the blind relay must
// fail KA-06 as a vitest test, with expected-versus-observed and the evidence.
import { defineProxyspecTests } from '../../vitest/index.js'

defineProxyspecTests({ target: 'builtin:blind-relay', role: 'forward', cases: ['KA-06'] })
