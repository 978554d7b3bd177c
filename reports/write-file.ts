import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'

/** Writes through a temp file and a rename, so a crash never leaves half a report. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  await writeFile(temp, content, 'utf8')
  await rename(temp, path)
}
