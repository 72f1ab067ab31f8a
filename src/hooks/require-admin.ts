import { Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

/** An admin's call, or an internal one (admin tooling, workers): both see and change everything. */
export const isAdminOrInternal = (params: { provider?: string; user?: { role?: string } }) =>
  !params.provider || params.user?.role === 'admin'

/** External callers must be admins; internal calls (admin tooling) pass. */
export const requireAdmin = async (context: HookContext, next?: NextFunction) => {
  if (!isAdminOrInternal(context.params)) throw new Forbidden('Only an admin may do this')
  if (next) await next()
}
