import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { spawn } from 'child_process'
import { DataFolderInUse, lockDataFolder } from '../../src/database/embedded-lock'

const pause = () => new Promise((resolve) => setTimeout(resolve, 20))
const read = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/**
 * A process that was killed but not reaped: its parent (an exec'd `sleep`) never waits for
 * it. The child is killed only once the shell has become `sleep`: a shell still running
 * would reap it, and it would be gone instead of dead.
 */
async function zombie(): Promise<{ pid: number; done: () => void }> {
  const parent = spawn('sh', ['-c', 'sleep 60 & exec sleep 60'])
  const self = `/proc/${parent.pid}`
  let pid = 0
  for (let i = 0; i < 250 && !pid; i++) {
    const children = read(`${self}/task/${parent.pid}/children`).trim()
    if (read(`${self}/comm`).trim() === 'sleep' && children) pid = Number(children.split(' ')[0])
    else await pause()
  }
  assert.ok(pid, 'the shell became sleep, with its child')
  process.kill(pid, 'SIGKILL')
  for (let i = 0; i < 250 && !/\) [ZX]/.test(read(`/proc/${pid}/stat`)); i++) await pause()
  assert.match(read(`/proc/${pid}/stat`), /\) Z/, 'the child is a zombie')
  return { pid, done: () => parent.kill('SIGKILL') }
}

describe('the embedded data folder lock', () => {
  let dir: string
  beforeEach(() => (dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chat-lock-')), 'pglite')))
  afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }))

  const holdBy = (pid: number) =>
    fs.writeFileSync(`${dir}.lock`, JSON.stringify({ pid, command: 'src/index.ts', since: 'then' }))

  it('refuses a folder whose holder is alive, naming it', () => {
    const holder = spawn('sleep', ['60'])
    try {
      holdBy(holder.pid!)
      assert.throws(
        () => lockDataFolder(dir),
        (error: any) => error instanceof DataFolderInUse && error.message.includes(`pid ${holder.pid}`)
      )
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('takes over the lock of a killed holder, even one its parent has not reaped yet', async () => {
    const dead = await zombie()
    try {
      holdBy(dead.pid)
      const release = lockDataFolder(dir)
      assert.strictEqual(JSON.parse(fs.readFileSync(`${dir}.lock`, 'utf8')).pid, process.pid)
      release()
      assert.strictEqual(fs.existsSync(`${dir}.lock`), false)
    } finally {
      dead.done()
    }
  })
})
