import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { testDatabaseUrl } from './database'

/** The grants the README gives the role the app connects as (migrations run as the tables' owner). */
export const runtimeGrants = (role: string) => [
  `grant usage on schema public to ${role}`,
  `grant select, insert, update, delete on all tables in schema public to ${role}`,
  `revoke delete, truncate on chat_messages from ${role}`,
  `revoke update, delete, truncate on chat_channel_events from ${role}`,
  `revoke delete, truncate on chat_checkpoints from ${role}`,
  `grant usage on all sequences in schema public to ${role}`
]

export interface RuntimeRole {
  name: string
  /** The database URL that connects as the role */
  url: string
  /** A connection as the role: what the app runs as */
  db: Knex
  drop(): Promise<void>
}

/** A login role that does not own the tables, granted as the README says; `owner` creates and drops it. */
export async function createRuntimeRole(owner: Knex): Promise<RuntimeRole> {
  const name = `chat_runtime_${process.pid}_${crypto.randomBytes(3).toString('hex')}`
  await owner.raw(`create role ${name} login nosuperuser nocreatedb nocreaterole`)
  for (const statement of runtimeGrants(name)) await owner.raw(statement)
  const url = new URL(testDatabaseUrl)
  url.username = name
  const db = createKnex({ url: url.toString(), dataDir: '', pool: { min: 0, max: 2 } })
  return {
    name,
    url: url.toString(),
    db,
    async drop() {
      await db.destroy()
      await owner.raw(`drop owned by ${name}`)
      await owner.raw(`drop role ${name}`)
    }
  }
}
