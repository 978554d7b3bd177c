// Makes tsc emit config.schema.json next to the compiled CLI (dist/cli/), which
// is inside the published package: tsc copies a JSON file the program imports
// to outDir. Type-only: config-file.ts reads the file when it validates.
import type schema from './config.schema.json'

export type ConfigSchemaFile = typeof schema
