import { execFileSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { freePort } from './processes'

const binDir = () => {
  const versions = fs.readdirSync('/usr/lib/postgresql').sort()
  return path.join('/usr/lib/postgresql', versions[versions.length - 1], 'bin')
}

/**
 * A PostgreSQL server of the test's own, in a temporary folder, that the test may crash
 * (`pg_ctl stop -m immediate`: every process ends at once, as in a crash, and WAL not yet
 * written is lost) without disturbing anyone else's. PostgreSQL refuses to run as root,
 * so under root it runs as the `postgres` account.
 */
export async function privatePostgres(settings: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-pg-'))
  const data = path.join(dir, 'data')
  const port = await freePort()
  const asRoot = process.getuid?.() === 0
  if (asRoot) execFileSync('chown', ['postgres', dir])
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(binDir(), tool), ...args], {
          stdio: 'pipe'
        })
      : execFileSync(path.join(binDir(), tool), args, { stdio: 'pipe' })
  pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const options = [
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    ...settings.flatMap((s) => ['-c', s])
  ]
  const start = () =>
    pg('pg_ctl', ['-D', data, '-o', options.join(' '), '-w', '-l', path.join(dir, 'log'), 'start'])
  start()
  return {
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    crash: () => pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
    remove() {
      try {
        pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
