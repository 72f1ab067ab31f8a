import fs from 'fs'
import path from 'path'
import type { Application } from '../../declarations'
import { openApiDocument } from './document'

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>context-chat API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/start.js"></script></body>
</html>
`
const START = `SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs' })\n`

// Swagger UI's own files, served as the package ships them
const uiFiles: Record<string, string> = {
  '/docs/swagger-ui.css': 'text/css',
  '/docs/swagger-ui-bundle.js': 'application/javascript'
}

/** `GET /openapi.json`, built once from the services' schemas, and `GET /docs`, Swagger UI over it. */
export const openApi = (app: Application) => {
  let document: string | undefined
  const uiFolder = () => require('swagger-ui-dist').getAbsoluteFSPath() as string
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET') return next()
    if (ctx.path === '/openapi.json') {
      document ??= JSON.stringify(openApiDocument(app))
      ctx.type = 'application/json'
      ctx.body = document
    } else if (ctx.path === '/docs' || ctx.path === '/docs/') {
      ctx.type = 'text/html'
      ctx.body = DOCS_PAGE
    } else if (ctx.path === '/docs/start.js') {
      ctx.type = 'application/javascript'
      ctx.body = START
    } else if (uiFiles[ctx.path]) {
      ctx.type = uiFiles[ctx.path]
      ctx.body = fs.createReadStream(path.join(uiFolder(), path.basename(ctx.path)))
    } else {
      return next()
    }
  })
}
