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
