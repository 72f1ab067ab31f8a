import type { HookContext } from '../../../declarations'

/** An idempotent create that returned what already existed announces nothing new. */
export const skipEventForExisting = async (context: HookContext) => {
  if (context.params.alreadyExisted) context.event = null
}
