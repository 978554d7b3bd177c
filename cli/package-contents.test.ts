// Nothing test-only ships (issue 11): the npm package holds what a user imports
// and runs. Test kits, the fuzzer (it imports the dev dependency fast-check),
// the bench, the seeded defects with the kill matrix, and test files stay out;
// `npm run fuzz|bench|repeat|kill-matrix` build them to
// dist-tools/, which package.json "files" does not list. Reads the list
// `npm pack` would publish from the built dist/ (like the other CLI tests, it
// needs `npm run build` first); scripts are skipped so packing does not rebuild.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

const TEST_ONLY = [
  /(^|\/)test-kit\./,
  /(^|\/)test-feed\./,
  /(^|\/)test-origin\./,
  /(^|\/)test-peer\./,
  /(^|\/)test-server\./,
  /(^|\/)head-fixtures\./,
  /\/fuzz\//,
  /\/bench\//,
  /\.test\./,
  /^dist-tools\//,
]

interface PackEntry {
  readonly path: string
}

function packedFiles(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      {
        cwd: ROOT,
        timeout: 60_000,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`npm pack --dry-run failed: ${error.message}\n${stderr}`))
          return
        }
        const [pack] = JSON.parse(stdout) as [{ files: readonly PackEntry[] }]
        resolve(pack.files.map((file) => file.path))
      },
    )
  })
}

describe('the npm package', () => {
  let files: string[] = []
  beforeAll(async () => {
    files = await packedFiles()
  }, 60_000)

  it('holds the CLI and the public entry points', () => {
    for (const path of [
      'dist/cli/main.js',
      'dist/cli/config.schema.json',
      'dist/index.js',
      'dist/harness/index.js',
      'dist/vitest/index.js',
      'README.md',
      'package.json',
    ]) {
      expect(files, path).toContain(path)
    }
  })

  it('holds no test kit, fuzzer, bench or test file', () => {
    const testOnly = files.filter((path) => TEST_ONLY.some((pattern) => pattern.test(path)))
    expect(testOnly).toEqual([])
  })

  it('ships the peer config templates, and no other fixture: no seeded defect, no kill matrix', () => {
    expect(files.some((path) => path.startsWith('test-fixtures/peers/'))).toBe(true)
    const code = files.filter(
      (path) => /(^|\/)test-fixtures\//.test(path) && !path.startsWith('test-fixtures/peers/'),
    )
    expect(code).toEqual([])
    expect(files.filter((path) => /kill-matrix|\/tools\//.test(path))).toEqual([])
  })
})
