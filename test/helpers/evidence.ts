import crypto from 'crypto'
import fs from 'fs'
import path from 'path'
import { spawn } from 'child_process'
import { root, nodeWithTsx } from './processes'
import { testDatabaseUrl } from './database'
import type { Knex } from 'knex'
import { readChannelRecord } from '../../src/modules/messaging/evidence/record'
import type { ChannelRecord } from '../../src/modules/messaging/evidence/record'
import {
  eventEncoding,
  inChainOrder,
  link,
  messageEncoding
} from '../../src/modules/messaging/evidence/chain-encoding'

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

/**
 * As the tables' owner, guards off: `change` edits the channel's record, then every link is
 * recomputed with the chain's own encoding and the whole record written back, head and
 * counters too, so that the rewrite is valid on its own.
 */
export async function rewriteAsOwner(
  owner: Knex,
  channelId: number,
  change: (record: ChannelRecord) => void
) {
  const record = (await readChannelRecord(owner, channelId))!
  change(record)
  let previous: string | null = null
  for (const entry of inChainOrder(record.messages, record.events)) {
    const item = entry.type === 'message' ? entry.message : entry.event
    item.hash = previous = link(
      previous,
      (entry.type === 'message' ? messageEncoding(entry.message) : eventEncoding(entry.event))!
    )
  }
  const tables = ['chat_messages', 'chat_channel_events', 'chat_channels']
  await owner.transaction(async (trx) => {
    for (const table of tables) await trx.raw(`alter table ${table} disable trigger user`)
    const ids = (rows: Array<{ id: number }>) => rows.map((row) => row.id)
    await trx('chat_messages')
      .where({ channel_id: channelId })
      .whereNotIn('id', ids(record.messages))
      .delete()
    await trx('chat_channel_events')
      .where({ channel_id: channelId })
      .whereNotIn('id', ids(record.events))
      .delete()
    for (const m of record.messages)
      await trx('chat_messages').where({ id: m.id }).update({ content: m.content, hash: m.hash })
    for (const e of record.events)
      await trx('chat_channel_events').where({ id: e.id }).update({ hash: e.hash })
    await trx('chat_channels')
      .where({ id: channelId })
      .update({
        last_seq: Math.max(0, ...record.messages.map((m) => m.seq)),
        last_event_seq: Math.max(0, ...record.events.map((e) => e.event_seq)),
        chain_head: previous
      })
    for (const table of tables) await trx.raw(`alter table ${table} enable trigger user`)
  })
}
