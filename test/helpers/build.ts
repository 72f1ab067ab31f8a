import { execFile } from 'child_process'
import { promisify } from 'util'
import { root } from './processes'

let building: Promise<void> | undefined

/**
 * `npm run build` (the server into lib/, the page into public/), once per test run: the
 * tests of the compiled output share one build instead of each wiping and rebuilding lib/.
 * Asynchronous, so that an app a test runs in this process keeps answering meanwhile.
 */
export function buildOnce(): Promise<void> {
  building ??= promisify(execFile)('npm', ['run', '-s', 'build'], { cwd: root }).then(() => undefined)
  return building
}
