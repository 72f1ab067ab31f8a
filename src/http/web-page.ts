import fs from 'fs'
import path from 'path'
import { serveStatic } from '@feathersjs/koa'
import type { Application } from '../declarations'
import { spendStaticBudget } from './static-budget'

const YEAR_MS = 365 * 24 * 3600 * 1000
const ASSET_PATH = /^\/assets\/[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/

// The page's text is only ever set as text, and it loads nothing from elsewhere: a
// script injected somehow could neither run inline nor send what it read to another host
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  // frame-ancestors, for browsers that predate it
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer'
}

/**
 * The web chat page at `/` and its bundle at `/assets/*` (built by `npm run build:web`
 * into the `public` folder). Only these two routes are looked up on disk, so the page
 * never shadows a service. Both spend the address's static budget.
 */
export const webPage = (app: Application) => {
  const root = path.resolve(app.get('public'))
  // Asset names carry a hash of their content: a new build gets new names
  const assets = serveStatic(root, { index: false, maxage: YEAR_MS, immutable: true })
  const page = serveStatic(root, { index: 'index.html', maxage: 0 })

  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next()
    if (ctx.path.startsWith('/assets/')) {
      // Only a file of the bundle itself: a path that climbs out (`/assets/..%2findex.html`)
      // would serve the page without its headers
      if (!ASSET_PATH.test(ctx.path)) return next()
      await spendStaticBudget(app, ctx)
      ctx.set(PAGE_HEADERS)
      return assets(ctx, next)
    }
    if (ctx.path !== '/') return next()
    await spendStaticBudget(app, ctx)
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      ctx.status = 503
      ctx.body = {
        name: 'Unavailable',
        code: 503,
        message: 'The chat page is not built: run `npm run build:web`'
      }
      return
    }
    ctx.set(PAGE_HEADERS)
    ctx.set('Cache-Control', 'no-cache')
    return page(ctx, next)
  })
}
