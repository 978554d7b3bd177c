// Makes tsc emit run-result.schema.json next to the compiled reports
// (dist/reports/), which is inside the published package ("files": ["dist", …]):
// tsc copies a JSON file the program imports to outDir. Type-only: nothing is
// loaded at run time (validate.ts reads the file when it validates).
import type schema from './run-result.schema.json'

export type RunResultSchemaFile = typeof schema
