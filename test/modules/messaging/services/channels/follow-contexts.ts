import type { Application, HookContext } from '../../../../../src/declarations'
import { logger } from '../../../../../src/logging/logger'

/**
 * Runs `inject` once, in the middle of the next read of a context (of `onlyId`, if given)
 * that a channel's opening or reconciliation makes inside its transaction: to commit a
 * change at that moment, or to fail the read.
 */
export function duringNextLockedRead(
  app: Application,
  path: 'bookings' | 'company-members',
  inject: () => Promise<void>,
  onlyId?: number
) {
  let armed = true
  const hook = async (context: HookContext) => {
    if (!armed || !context.params.transaction) return
    if (onlyId !== undefined && context.id !== onlyId) return
    armed = false
    await inject()
  }
  app.service(path).hooks({ after: { get: [hook], find: [hook] } })
  return { disarm: () => (armed = false) }
}

/** What was logged as a channel that did not follow its context while `during` ran. */
export async function notFollowedLogs(during: () => Promise<unknown>) {
  const logged: Array<Record<string, unknown> | undefined> = []
  const logError = logger.error
  logger.error = (message, context) => {
    if (message === 'a channel did not follow its context') logged.push(context)
  }
  try {
    await during()
  } finally {
    logger.error = logError
  }
  return logged
}
