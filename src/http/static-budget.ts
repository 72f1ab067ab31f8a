import type { Context } from 'koa'
import type { Application } from '../declarations'
import { refusal, sharedRateLimiter } from '../limits/rate-limit'
import { requestAddress } from '../socketio/client-address'

const WINDOW_SECONDS = 60
// A browser loading the page or the docs makes a handful of requests; a person reloading
// all day stays far below this, a client fetching the 1.7 MB docs bundle in a loop does not
export const DEFAULT_STATIC_REQUESTS_PER_MINUTE = 600

const budgetOf = (app: Application) =>
  sharedRateLimiter(app, 'static', () => ({
    points: app.get('limits').static_requests_per_minute ?? DEFAULT_STATIC_REQUESTS_PER_MINUTE,
    windowSeconds: WINDOW_SECONDS
  }))

/**
 * Spends one point of the address's `limits.static_requests_per_minute`, shared by the
 * page, its assets, the docs and /metrics: these are served before any service, so the
 * call budgets never see them. Over budget it throws a 429 (with `Retry-After`).
 */
export async function spendStaticBudget(app: Application, ctx: Context) {
  const address = requestAddress(ctx, app.get('connections').trust_proxy)
  if (!address) return
  const decision = await budgetOf(app).consume(address)
  if (!decision.allowed) {
    throw refusal('Too many requests for pages and files; wait a moment and try again', decision, {
      limiter: 'static',
      key: `address:${address}`,
      path: ctx.path
    })
  }
}
