import { Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

/** A person with the admin role: the one spelling of it, for a caller or for a sender. */
export const isAdmin = (user: { role?: string } | undefined) => user?.role === 'admin'

/** An admin's call, or an internal one (admin tooling, workers): both see and change everything. */
export const isAdminOrInternal = (params: { provider?: string; user?: { role?: string } }) =>
  !params.provider || isAdmin(params.user)

/** External callers must be admins; internal calls (admin tooling) pass. */
export const requireAdmin = async (context: HookContext, next?: NextFunction) => {
  if (!isAdminOrInternal(context.params)) throw new Forbidden('Only an admin may do this')
  if (next) await next()
}
