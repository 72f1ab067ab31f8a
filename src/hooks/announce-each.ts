import type { HookContext } from '../declarations'
import type { DomainEventMap } from '../events'

/** Who made the call: the person behind it, or null for the system (an internal call without one). */
export const actorOf = (context: HookContext) => context.params.user?.id ?? null

/**
 * An after hook that emits the domain event `name` for each record the call wrote, and
 * waits for its listeners, so that the call returns with its consequences applied.
 */
export const announceEach =
  <K extends keyof DomainEventMap, R>(
    name: K,
    payloadOf: (record: R, context: HookContext) => DomainEventMap[K]
  ) =>
  async (context: HookContext) => {
    for (const record of ([] as R[]).concat(context.result)) {
      await context.app.get('events').emit(name, payloadOf(record, context))
    }
  }
