import { getServiceOptions } from '@feathersjs/feathers'
import type { Application } from '../../declarations'
import { serviceSchemas } from './service-schemas'
import { serviceOperations as operationTexts } from './service-operations'
import { serviceOperations } from './operations'
import { fixedRoutes } from './fixed-routes'
import { json } from './parts'
import type { Json } from './parts'

const ERRORS: Record<string, string> = {
  '400': 'Invalid query or data: unknown fields, wrong types, beyond a limit (the message says which)',
  '401': 'Not authenticated: no token, or an expired, forged or ended one',
  '403': 'Not allowed (outsiders get this for channels whether they exist or not)',
  '404': 'No such record',
  '409': 'Conflict with an existing record',
  '429': 'Over a budget (calls, messages, logins, codes): wait `Retry-After` seconds',
  '503': 'A dependency (database, Redis) is away'
}

const errorSchema = {
  type: 'object',
  description: 'A Feathers error',
  required: ['name', 'message', 'code', 'className'],
  properties: {
    name: { type: 'string', description: 'The error’s name', examples: ['TooManyRequests'] },
    message: { type: 'string', description: 'What went wrong, for people' },
    code: { type: 'integer', description: 'The HTTP status' },
    className: { type: 'string', description: 'The name in kebab case', examples: ['too-many-requests'] },
    data: {
      description: 'Details: the refused `field`; on 429, `retry_after_seconds` (the same as `Retry-After`)'
    },
    errors: { description: 'Validation details, when there are any' }
  }
}

const errorResponse = (code: string) => ({
  description: ERRORS[code],
  ...(code === '429'
    ? {
        headers: {
          'Retry-After': {
            description: 'Whole seconds until the budget allows the call again',
            schema: { type: 'integer', minimum: 1 }
          }
        }
      }
    : {}),
  ...json({ $ref: '#/components/schemas/Error' })
})

/** The OpenAPI 3.1 document of every REST service the app offers, from their TypeBox schemas. */
export function openApiDocument(app: Application): Json {
  const document: Json = {
    openapi: '3.1.0',
    info: {
      title: 'context-chat',
      version: '0.1.0',
      description:
        'One chat channel per booking and dispute. Log in (`POST /authentication`) and send the token as `Authorization: Bearer <token>`. Every call spends its person’s (or, before login, its address’s) `limits.calls_per_minute` budget: any may be refused with 429 and `Retry-After`. The same services answer over Socket.io through the Feathers client; presence’s `view`, `leave` and `typing` are Socket.io only. Only the methods a service offers are listed: any other is a 405.'
    },
    tags: [
      { name: 'authentication', description: 'Logging in and out' },
      { name: 'operations', description: 'Health, readiness and metrics' }
    ] as Json[],
    paths: fixedRoutes(),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The login’s accessToken'
        }
      },
      schemas: { Error: errorSchema } as Json,
      responses: Object.fromEntries(Object.keys(ERRORS).map((code) => [`Error${code}`, errorResponse(code)]))
    }
  }
  const page = app.get('paginate') ?? { default: 50, max: 100 }
  for (const [path, schemas] of Object.entries(serviceSchemas)) {
    const methods: readonly string[] = getServiceOptions(app.service(path as any)).methods ?? []
    const { components, paths } = serviceOperations(path, schemas, operationTexts[path] ?? {}, methods, page)
    document.tags.push({ name: path, description: schemas.description })
    Object.assign(document.components.schemas, components)
    Object.assign(document.paths, paths)
  }
  return document
}
