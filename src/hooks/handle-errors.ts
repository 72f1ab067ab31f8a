import { FeathersError } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'
import { isDatabaseError, translateDatabaseError } from '../database/errors'
import { logger } from '../logging/logger'

/**
 * Every error leaves as a Feathers error with a message fit for the caller; anything
 * unexpected is logged with its context and reported as a plain 500 without internals.
 * Input the database refused is the caller's mistake: a warning, without a stack.
 */
export const handleErrors = async (context: HookContext, next: NextFunction) => {
  try {
    await next()
  } catch (error: any) {
    const translated =
      error instanceof FeathersError && !isDatabaseError(error) ? error : translateDatabaseError(error)
    if (translated.code >= 500) {
      logger.error('service call failed', {
        path: context.path,
        method: context.method,
        provider: context.params.provider,
        user_id: context.params.user?.id,
        error: error?.message,
        code: error?.code,
        stack: error?.stack
      })
    } else if (translated !== error) {
      logger.warn('refused input the database could not take', {
        path: context.path,
        method: context.method,
        provider: context.params.provider,
        code: translated.code,
        error: translated.message
      })
    }
    throw translated
  }
}
