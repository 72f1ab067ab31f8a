import { Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

export const isAdmin = (params: { provider?: string; user?: { role?: string } }) =>
  !params.provider || params.user?.role === 'admin'

/** External callers must be admins; internal calls (admin tooling) pass. */
export const requireAdmin = async (context: HookContext, next?: NextFunction) => {
  if (!isAdmin(context.params)) throw new Forbidden('Only an admin may do this')
  if (next) await next()
}
