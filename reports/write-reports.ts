// Writing the reports of one run into --out. JSON goes first: it is the result
// model, the future baseline, and what every other format can be rendered
// from again. Each file is written atomically and on its own, so a renderer
// that throws (or a full disk) costs only its own file, never one already written.
import { join } from 'node:path'
import type { RunResult } from '../harness/engine/model/run-result.js'
import {
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  renderers,
  type ReportFormat,
  type ReportOptions,
} from './index.js'
import { writeFileAtomic } from './write-file.js'

export interface WrittenReports {
  /** Paths written, in the order written. */
  readonly written: readonly { readonly format: ReportFormat; readonly path: string }[]
  /** Formats that could not be written, with the one-line reason. */
  readonly failed: readonly { readonly format: ReportFormat; readonly reason: string }[]
}

/** JSON first, then the asked formats in their canonical order. */
function ordered(formats: readonly ReportFormat[]): ReportFormat[] {
  return REPORT_FORMATS.filter((f) => formats.includes(f))
}

/**
 * Renders and writes each asked format to `dir` under its fixed name
 * (REPORT_FILE_NAMES). Never throws for one format's failure: it is listed in
 * `failed` and the others are still written.
 */
export async function writeReports(
  run: RunResult,
  formats: readonly ReportFormat[],
  dir: string,
  options: ReportOptions = {},
): Promise<WrittenReports> {
  const written: { format: ReportFormat; path: string }[] = []
  const failed: { format: ReportFormat; reason: string }[] = []
  for (const format of ordered(formats)) {
    const path = join(dir, REPORT_FILE_NAMES[format])
    try {
      await writeFileAtomic(path, renderers[format](run, options))
      written.push({ format, path })
    } catch (error) {
      failed.push({ format, reason: error instanceof Error ? error.message : String(error) })
    }
  }
  return { written, failed }
}
