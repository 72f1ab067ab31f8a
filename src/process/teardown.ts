import type { Application } from '../declarations'

type Work = () => unknown

/** Runs `work` when the app is torn down, before what was registered earlier is closed. */
export const beforeTeardown = (app: Application, work: Work) =>
  app.hooks({
    teardown: [
      async (_context: unknown, next: () => Promise<void>) => {
        await work()
        await next()
      }
    ]
  })

/**
 * Runs `work` when the app is torn down, after everything registered later is closed,
 * even when closing those failed: the database must be closed cleanly whatever came before.
 */
export const afterTeardown = (app: Application, work: Work) =>
  app.hooks({
    teardown: [
      async (_context: unknown, next: () => Promise<void>) => {
        try {
          await next()
        } finally {
          await work()
        }
      }
    ]
  })
