#!/usr/bin/env node
// npm run kill-matrix: every seeded defect against the cases that must catch it.
import { runMain } from '../../cli/run-main.js'
import { commandKillMatrix } from './command.js'

runMain(() => commandKillMatrix(process.argv.slice(2)))
