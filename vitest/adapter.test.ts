// proxyspec/vitest on the embedded default: every case is a vitest test here,
// and every one must pass against the reference in both of its roles.
import { defineProxyspecTests } from './index.js'

defineProxyspecTests({ target: 'builtin:reference', role: 'forward' })
defineProxyspecTests({ target: 'builtin:reference', role: 'reverse' })
