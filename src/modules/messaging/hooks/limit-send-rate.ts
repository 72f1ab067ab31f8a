import type { HookContext } from '../../../declarations'
import { createRateLimiter, refusal } from '../../../limits/rate-limit'
import type { RateLimiter } from '../../../limits/rate-limit'

const WINDOW_SECONDS = 60
const limiters = new WeakMap<object, RateLimiter>()

/** A person sends at most `limits.messages_per_minute` messages; admin tooling is not limited. */
export const limitSendRate = async (context: HookContext) => {
  if (!context.params.provider || !context.params.user) return
  let limiter = limiters.get(context.app)
  if (!limiter) {
    const points = context.app.get('limits').messages_per_minute
    limiter = createRateLimiter(context.app, 'messages', { points, windowSeconds: WINDOW_SECONDS })
    limiters.set(context.app, limiter)
  }
  const decision = await limiter.consume(context.params.user.id)
  if (!decision.allowed) {
    throw refusal('You are sending messages too fast; wait a moment and try again', decision, {
      limiter: 'messages',
      user_id: context.params.user.id
    })
  }
}
