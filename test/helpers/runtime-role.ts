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

const roleName = () => `chat_runtime_${process.pid}_${crypto.randomBytes(3).toString('hex')}`

/** The URL that connects as `name`; the connection is lazy, so it may be made before the role exists. */
function connectAs(name: string): { url: string; db: Knex } {
  const url = new URL(testDatabaseUrl)
  url.username = name
  return {
    url: url.toString(),
    db: createKnex({ url: url.toString(), dataDir: '', pool: { min: 0, max: 2 } })
  }
}

async function grantRole(owner: Knex, name: string) {
  await owner.raw(`create role ${name} login nosuperuser nocreatedb nocreaterole`)
  for (const statement of runtimeGrants(name)) await owner.raw(statement)
}

async function dropRole(owner: Knex, name: string, db: Knex) {
  await db.destroy()
  await owner.raw(`drop owned by ${name}`)
  await owner.raw(`drop role ${name}`)
}

/** A login role that does not own the tables, granted as the README says; `owner` creates and drops it. */
export async function createRuntimeRole(owner: Knex): Promise<RuntimeRole> {
  const name = roleName()
  await grantRole(owner, name)
  const { url, db } = connectAs(name)
  return { name, url, db, drop: () => dropRole(owner, name, db) }
}

const ownerConnection = () => createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })

/** A connection as the tables' owner for the enclosing suite, closed after it. */
export function useOwnerConnection(): Knex {
  const owner = ownerConnection()
  after(() => owner.destroy())
  return owner
}

/**
 * The tables' owner and the role the app connects as, for the enclosing suite: the role
 * is created before the suite's tests and dropped after them.
 */
export function useRuntimeRole(): { owner: Knex; runtime: Knex } {
  const owner = ownerConnection()
  const name = roleName()
  const runtime = connectAs(name).db
  before(() => grantRole(owner, name))
  after(async () => {
    await dropRole(owner, name, runtime)
    await owner.destroy()
  })
  return { owner, runtime }
}
