import fs from 'fs'
import path from 'path'
import type { Context } from 'koa'
import type { Application } from '../../declarations'
import { spendStaticBudget } from '../static-budget'
import { openApiDocument } from './document'

// Swagger UI's files carry its version in their path: a new version gets new names, so
// browsers may keep them for good instead of fetching 1.7 MB on every visit
const UI_VERSION: string = require('swagger-ui-dist/package.json').version
const UI_PATH = `/docs/swagger-ui-${UI_VERSION}/`
const YEAR_SECONDS = 365 * 24 * 3600

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>context-chat API</title><link rel="stylesheet" href="${UI_PATH}swagger-ui.css"></head>
<body><div id="docs"></div><script src="${UI_PATH}swagger-ui-bundle.js"></script><script src="/docs/start.js"></script></body>
</html>
`
// A file, not an inline script, so the policy below can forbid inline scripts; without a
// validator URL, Swagger UI sends the document to no third party
const START = `SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', validatorUrl: null })\n`

// Swagger UI runs only its own bundle and reads only this origin's document; nothing may
// frame it (a framed "Try it out" could be clicked through by a hostile page)
const DOCS_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer'
}

// Swagger UI's own files, served as the package ships them
const uiFiles: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'application/javascript'
}

/** Swagger UI is on unless switched off; in production it is off unless switched on. */
const docsEnabled = (app: Application) => app.get('docs')?.enabled ?? process.env.NODE_ENV !== 'production'

function serveDocs(ctx: Context, uiFolder: () => string): boolean {
  if (ctx.path === '/docs' || ctx.path === '/docs/') {
    ctx.set({ ...DOCS_HEADERS, 'Cache-Control': 'no-cache' })
    ctx.type = 'text/html'
    ctx.body = DOCS_PAGE
  } else if (ctx.path === '/docs/start.js') {
    ctx.set({ ...DOCS_HEADERS, 'Cache-Control': 'no-cache' })
    ctx.type = 'application/javascript'
    ctx.body = START
  } else if (ctx.path.startsWith(UI_PATH) && uiFiles[ctx.path.slice(UI_PATH.length)]) {
    const file = ctx.path.slice(UI_PATH.length)
    ctx.set({ ...DOCS_HEADERS, 'Cache-Control': `public, max-age=${YEAR_SECONDS}, immutable` })
    ctx.type = uiFiles[file]
    ctx.body = fs.createReadStream(path.join(uiFolder(), file))
  } else {
    return false
  }
  return true
}

const isDocsPath = (requestPath: string) => requestPath === '/docs' || requestPath.startsWith('/docs/')

/**
 * `GET /openapi.json`, built once from the services' schemas, and `GET /docs`, Swagger
 * UI over it (`docs.enabled`). Both spend the address's static budget.
 */
export const openApi = (app: Application) => {
  let document: string | undefined
  const enabled = docsEnabled(app)
  const uiFolder = () => require('swagger-ui-dist').getAbsoluteFSPath() as string
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next()
    if (ctx.path === '/openapi.json') {
      await spendStaticBudget(app, ctx)
      document ??= JSON.stringify(openApiDocument(app))
      ctx.set('Cache-Control', 'no-cache')
      ctx.type = 'application/json'
      ctx.body = document
      return
    }
    if (!enabled || !isDocsPath(ctx.path)) return next()
    await spendStaticBudget(app, ctx)
    if (!serveDocs(ctx, uiFolder)) return next()
  })
}
