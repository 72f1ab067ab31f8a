import crypto from 'crypto'
import fs from 'fs'
import path from 'path'
import { spawn } from 'child_process'
import { root, nodeWithTsx } from './processes'
import { testDatabaseUrl } from './database'

export interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs one of the admin commands (src/commands/<name>.ts) as an operator would, on the run's test database. */
export function runTool(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeWithTsx, `src/commands/${name}.ts`, ...args], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: testDatabaseUrl, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${name} did not finish within ${timeoutMs} ms\n${stderr}`))
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** A fresh Ed25519 key pair as PEM files in `dir`, as an operator makes one with openssl. */
export function writeKeyPair(dir: string, name: string) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519')
  const privatePath = path.join(dir, `${name}.pem`)
  const publicPath = path.join(dir, `${name}.pub.pem`)
  fs.writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  fs.writeFileSync(publicPath, publicKey.export({ type: 'spki', format: 'pem' }))
  return { privatePath, publicPath }
}
