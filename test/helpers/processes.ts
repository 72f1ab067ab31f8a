import assert from 'assert'
import { spawn } from 'child_process'
import type { ChildProcessWithoutNullStreams } from 'child_process'
import { once } from 'events'
import http from 'http'
import net from 'net'
import path from 'path'
import type { AddressInfo } from 'net'

export const root = path.resolve(__dirname, '..', '..')
/**
 * Node itself with tsx as its loader, as the arguments of a child process: the process a
 * test signals is the app, as in production, with no tsx wrapper in between whose own
 * exit (or missed relay) would leave the app running unseen.
 */
export const nodeWithTsx = ['--import', 'tsx']

export async function freePort(): Promise<number> {
  const probe = net.createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** A GET on a fresh connection (no keep-alive pool): tells whether the listener still takes connections. */
export function freshGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
  })
}

export interface Command {
  child: ChildProcessWithoutNullStreams
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): Command {
  // Its own process group, so that cleanup can end the whole tree it started
  const child = spawn(command, args, { cwd, env, detached: true })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal }))
  )
  return { child, output: () => output, exited }
}

export const isRunning = (command: Command) =>
  command.child.exitCode === null && command.child.signalCode === null

export function killTree(command: Command | undefined) {
  if (!command?.child.pid || !isRunning(command)) return
  try {
    process.kill(-command.child.pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `url`/ready until it answers 200; fails with the process's output if it exits or takes longer. */
export async function untilReady(url: string, server: Command, timeoutMs = 60_000) {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const status = await fetch(`${url}/ready`).then(
      (response) => response.status,
      () => 0
    )
    if (status === 200) return
    if (Date.now() > deadline || server.child.exitCode !== null)
      throw new Error(`not ready:\n${server.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * The app's source in a process of its own on a loopback port, in the test environment with
 * `env` on top. Node itself rather than `npx tsx`: npm exec dies on SIGTERM without passing
 * it on (its children are orphaned and keep running); here the signal reaches the app.
 */
export function runApp(port: number, env: NodeJS.ProcessEnv): { command: Command; url: string } {
  const command = run(process.execPath, [...nodeWithTsx, 'src/index.ts'], {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    ...env
  })
  return { command, url: `http://127.0.0.1:${port}` }
}

export async function serve(env: NodeJS.ProcessEnv): Promise<{ command: Command; url: string }> {
  const { command, url } = runApp(env.PORT ? Number(env.PORT) : await freePort(), env)
  for (let attempt = 0; attempt < 300 && isRunning(command); attempt++) {
    if (
      await freshGet(`${url}/health`).then(
        (status) => status === 200,
        () => false
      )
    )
      return { command, url }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  killTree(command)
  throw new Error(`the server did not answer /health\n${command.output()}`)
}

/**
 * A start that must be refused: exit 1 with exactly one error line, no stack frames.
 * Returns that line for the caller's own checks.
 */
export async function refusedStart(command: Command): Promise<{ error: string; stack?: string }> {
  assert.deepStrictEqual(
    await within(command.exited, 60_000, 'exit'),
    { code: 1, signal: null },
    command.output()
  )
  const errors = command
    .output()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.level === 'error')
  assert.strictEqual(errors.length, 1, command.output())
  assert.doesNotMatch(command.output(), /\n\s+at /, 'no stack frames')
  return errors[0]
}
