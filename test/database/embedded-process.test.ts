import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { http, login } from '../helpers/clients'
import { freePort, isRunning, killTree, run, nodeWithTsx } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import type { Paginated } from '@feathersjs/feathers'
import type { Message } from '../../src/client'

const DEMO = { email: 'ana@demo.local', password: 'demo-password' }

/**
 * `npm start` on the embedded database (PGlite) as a newcomer runs it, beside the other
 * commands the README names: one process owns a data folder, the others are refused
 * before they touch it, and nothing acknowledged is lost across SIGTERM and SIGKILL.
 */
describe('the embedded database folder, across processes', function () {
  this.timeout(180_000)
  let dataDir: string
  let server: Command | undefined
  let url: string
  const started: Command[] = []

  const environment = (port: number) => {
    const { DATABASE_URL: _url, REDIS_URL: _redis, ...inherited } = process.env
    return {
      ...inherited,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir
    }
  }

  const command = (args: string[], port = 0) => {
    const child = run(process.execPath, [...nodeWithTsx, ...args], environment(port))
    started.push(child)
    return child
  }

  /** Starts the server and records every /ready answer until the first 200. */
  async function startServer() {
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    server = command(['src/index.ts'], port)
    const answers: number[] = []
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      if (!isRunning(server)) throw new Error(`the server exited:\n${server.output()}`)
      const status = await fetch(`${url}/ready`).then(
        (response) => response.status,
        () => 0
      )
      answers.push(status)
      if (status === 200) return answers
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error('the server did not get ready')
  }

  const send = async (content: string) => {
    const token = await login(url, DEMO)
    const sent = await http(url, 'POST', '/messages', {
      token,
      body: { context_type: 'booking', context_id: 1, content }
    })
    assert.strictEqual(sent.status, 201, JSON.stringify(sent.body))
    return sent.body as { id: number; seq: number }
  }

  const history = async () => {
    const token = await login(url, DEMO)
    const page = await http<Paginated<Message>>(
      url,
      'GET',
      '/messages?channel_id=1&$sort[seq]=1&$limit=100',
      { token }
    )
    assert.strictEqual(page.status, 200, JSON.stringify(page.body))
    return (page.body.data as { id: number; content: string }[]).map(({ id, content }) => ({ id, content }))
  }

  before(() => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chat-folder-')), 'pglite')
  })

  after(() => {
    started.forEach(killTree)
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true })
  })

  it('answers /ready only once the demo logins work, on a folder created from nothing', async () => {
    const answers = await startServer()
    assert.ok(answers.slice(0, -1).every((status) => status !== 200))
    // Straight after the first 200: the printed login works and the sender is a participant
    await send('the first message')
  })

  it('refuses a second server on the same folder, with the holder’s pid and no stack, and loses nothing', async () => {
    const before = await send('acknowledged before the second start')
    const second = command(['src/index.ts'], await freePort())
    const { code } = await second.exited
    assert.strictEqual(code, 1)
    const output = second.output().trim()
    const holder = JSON.parse(fs.readFileSync(`${dataDir}.lock`, 'utf8'))
    assert.match(output, new RegExp(`in use by .*\\(pid ${holder.pid},`))
    assert.doesNotMatch(output, /\n\s+at /, 'no stack trace')
    assert.ok(isRunning(server!), 'the server keeps running')
    assert.deepStrictEqual((await history()).at(-1), {
      id: before.id,
      content: 'acknowledged before the second start'
    })
  })

  it('refuses the transcript, demo and migrate commands clearly while the server holds the folder', async () => {
    for (const [script, args] of [
      ['src/commands/transcript.ts', ['--context', 'booking:1']],
      ['src/commands/demo.ts', []],
      ['src/commands/migrate.ts', []]
    ] as const) {
      const refused = command([script, ...args])
      const { code } = await refused.exited
      assert.strictEqual(code, 1, `${script} exits 1`)
      assert.match(refused.output(), /in use by .*pid \d+/, `${script} says who holds the folder`)
      assert.doesNotMatch(refused.output(), /"messages"/, `${script} printed no transcript`)
    }
    assert.ok(isRunning(server!))
  })

  it('says in one line that the port is taken, without touching the folder', async () => {
    const port = Number(new URL(url).port)
    const second = run(process.execPath, [...nodeWithTsx, 'src/index.ts'], {
      ...environment(port),
      DATA_DIR: path.join(path.dirname(dataDir), 'other')
    })
    started.push(second)
    const { code } = await second.exited
    assert.strictEqual(code, 1)
    assert.deepStrictEqual(
      second
        .output()
        .trim()
        .split('\n')
        .filter((line) => /in use/.test(line)).length,
      1
    )
    assert.match(second.output(), new RegExp(`Port ${port} .* already in use`))
    assert.doesNotMatch(second.output(), /\n\s+at /)
    assert.strictEqual(fs.existsSync(path.join(path.dirname(dataDir), 'other')), false)
  })

  it('closes the folder cleanly on SIGTERM: ids continue without a jump, and the transcript then works', async () => {
    const last = await send('just before SIGTERM')
    process.kill(server!.child.pid!, 'SIGTERM')
    assert.deepStrictEqual(await server!.exited, { code: 0, signal: null })
    assert.strictEqual(fs.existsSync(`${dataDir}.lock`), false, 'the lock is released')

    const transcript = command(['src/commands/transcript.ts', '--context', 'booking:1'])
    assert.strictEqual((await transcript.exited).code, 0, transcript.output())
    const output = transcript.output()
    const exported = JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1))
    assert.strictEqual(exported.messages.at(-1).content, 'just before SIGTERM')

    await startServer()
    const next = await send('after a clean restart')
    assert.strictEqual(next.id, last.id + 1, 'no ids were lost to crash recovery')
  })

  it('starts again after SIGKILL, over the stale lock, with every acknowledged message', async () => {
    const acknowledged = await send('acknowledged just before SIGKILL')
    // The whole process group: the server runs under tsx's launcher
    process.kill(-server!.child.pid!, 'SIGKILL')
    await server!.exited
    assert.ok(fs.existsSync(`${dataDir}.lock`), 'the killed process left its lock')

    await startServer()
    const kept = await history()
    assert.deepStrictEqual(kept.at(-1), { id: acknowledged.id, content: 'acknowledged just before SIGKILL' })
    assert.ok(kept.length >= 5)
    process.kill(server!.child.pid!, 'SIGTERM')
    assert.strictEqual((await server!.exited).code, 0)
  })
})
