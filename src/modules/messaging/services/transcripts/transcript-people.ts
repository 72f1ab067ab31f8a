import type { Application } from '../../../../declarations'
import type { Transcript } from './transcripts.schema'

export type Person = Transcript['people'][number]

/**
 * Everyone the record names (participants, senders, deleters, the people events name),
 * as they are at export time: id, name, email, and whether they are an admin, so that a
 * reader can tell two people of one name apart and sees an admin's act as an admin's.
 * Only signed, not in the chain: a name or email changed since is today's.
 */
export async function peopleNamed(app: Application, ids: number[]): Promise<Person[]> {
  const unique = [...new Set(ids)].sort((a, b) => a - b)
  if (!unique.length) return []
  // An internal read: the people's contact details are part of the record an admin exports
  const users = (await app.service('users')._find({
    query: { id: { $in: unique }, $select: ['id', 'name', 'email', 'role'] },
    paginate: false
  })) as Array<{ id: number; name: string; email: string; role: string }>
  return users
    .map((user) => ({ id: user.id, name: user.name, email: user.email, admin: user.role === 'admin' }))
    .sort((a, b) => a.id - b.id)
}
