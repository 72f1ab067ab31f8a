import type { HookContext } from '../declarations'
import type { DomainEventMap } from '../events'

/**
 * An after hook that emits the domain event `name` for each record the call wrote, and
 * waits for its listeners, so that the call returns with its consequences applied.
 */
export const announceEach =
  <K extends keyof DomainEventMap, R>(name: K, payloadOf: (record: R) => DomainEventMap[K]) =>
  async (context: HookContext) => {
    for (const record of ([] as R[]).concat(context.result)) {
      await context.app.get('events').emit(name, payloadOf(record))
    }
  }
