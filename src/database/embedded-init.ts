import fs from 'fs'
import path from 'path'
import { spawnSync } from 'child_process'

/**
 * The embedded database serves one process and a few people: PostgreSQL's default 128 MB
 * of shared buffers would be most of the process's memory.
 */
export const EMBEDDED_SETTINGS = ['shared_buffers=16MB']

// Runs in a child process: it creates the cluster and closes it cleanly
const INITDB = `
const { PGlite } = require(process.argv[1])
const db = new PGlite(process.argv[2], { postgresqlconf: JSON.parse(process.argv[3]) })
db.waitReady.then(() => db.close()).catch((error) => { console.error(error.message); process.exit(1) })
`

/**
 * Creating a cluster (initdb) takes PGlite's WebAssembly memory to ~800 MB, and a
 * WebAssembly memory never shrinks: done in the server's own process, that peak would
 * stay with the server for its life. A fresh folder is therefore created by a short-lived
 * child process; the server then opens a folder that exists.
 */
export function initializeDataFolder(dataDir: string) {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return
  fs.mkdirSync(dataDir, { recursive: true })
  const child = spawnSync(
    process.execPath,
    ['-e', INITDB, require.resolve('@electric-sql/pglite'), dataDir, JSON.stringify(EMBEDDED_SETTINGS)],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' }
  )
  if (child.status !== 0) {
    throw new Error(
      `Could not create the embedded database in ${dataDir}: ${child.stderr?.trim() || child.error?.message}`
    )
  }
}
