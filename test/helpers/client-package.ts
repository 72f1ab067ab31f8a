import fs from 'fs'
import os from 'os'
import path from 'path'
import { execFile, execFileSync } from 'child_process'
import { promisify } from 'util'
import { root, nodeWithTsx } from './processes'

// Asynchronous: a server under test may run in the calling process and must keep answering
const exec = promisify(execFile)

// What npm installs beside the package in a separate app: its dependencies, nothing else
export const APP_DEPENDENCIES = [
  '@feathersjs/feathers',
  '@feathersjs/authentication-client',
  '@feathersjs/socketio-client',
  '@feathersjs/rest-client',
  'socket.io-client'
]

/**
 * Builds the client package and installs it in a new folder outside the project, as an
 * app would have it: the packed tarball, and beside it only the libraries it depends on.
 */
export async function appWithClientPackage(prefix: string) {
  const { stdout } = await exec(process.execPath, [...nodeWithTsx, 'scripts/build-client.ts'], {
    cwd: root,
    encoding: 'utf8'
  })
  const tarball = path.join(root, /client package: (\S+)/.exec(stdout)![1])
  const app = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const installed = path.join(app, 'node_modules', '@context-chat', 'client')
  fs.mkdirSync(installed, { recursive: true })
  execFileSync('tar', ['xzf', tarball, '-C', installed, '--strip-components=1'])
  for (const name of APP_DEPENDENCIES) {
    fs.mkdirSync(path.dirname(path.join(app, 'node_modules', name)), { recursive: true })
    fs.symlinkSync(path.join(root, 'node_modules', name), path.join(app, 'node_modules', name), 'dir')
  }
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'an-app', private: true, type: 'module' })
  )
  return { app, installed }
}

/**
 * Runs tsc on a project in `app`; resolves with what it printed (its diagnostics are on
 * stdout), whether it passed or not.
 */
export async function typeCheck(app: string, project: string) {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc')
  try {
    const { stdout } = await exec(tsc, ['-p', project], { cwd: app, encoding: 'utf8' })
    return { passed: true, stdout, output: stdout }
  } catch (error) {
    // A failed run rejects with an Error that carries both streams
    const { stdout = '', stderr = '' } = error as Error & { stdout?: string; stderr?: string }
    return { passed: false, stdout, output: `${stdout}${stderr}` }
  }
}
