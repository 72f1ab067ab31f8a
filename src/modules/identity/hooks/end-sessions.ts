import type { HookContext } from '../../../declarations'

/**
 * A new password, a different role or disabling the account ends every token issued
 * before (the JWT strategy compares versions). The increment is part of the UPDATE, so
 * that concurrent changes each count.
 */
export const endSessions = async (context: HookContext) => {
  const { data } = context
  const db = context.app.get('postgresqlClient')
  if (data.password !== undefined || data.disabled_at) {
    data.token_version = db.raw('token_version + 1')
  } else if (data.role !== undefined) {
    // An edit form that sends the whole profile back ends nothing when the role stays
    data.token_version = db.raw('token_version + (case when role = ? then 0 else 1 end)', [data.role])
  }
}

/**
 * After a new password, no connection opened with an older token may go on listening (a
 * stolen token's socket would otherwise hear every live message until its next call).
 */
export const announceEndedSessions = async (context: HookContext) => {
  if (context.data?.password === undefined) return
  const users = Array.isArray(context.result) ? context.result : [context.result]
  for (const user of users)
    context.app.get('events').emit('identity.user.sessions.ended', { user_id: user.id })
}
