import { getServiceOptions } from '@feathersjs/feathers'
import type { Application } from '../../declarations'
import { serviceSchemas } from './service-schemas'
import type { ServiceSchemas } from './service-schemas'

type Json = Record<string, any>

const STANDARD = ['find', 'get', 'create', 'update', 'patch', 'remove'] as const
const ROUTES: Record<(typeof STANDARD)[number], { verb: string; item: boolean; success: string }> = {
  find: { verb: 'get', item: false, success: '200' },
  get: { verb: 'get', item: true, success: '200' },
  create: { verb: 'post', item: false, success: '201' },
  update: { verb: 'put', item: true, success: '200' },
  patch: { verb: 'patch', item: true, success: '200' },
  remove: { verb: 'delete', item: true, success: '200' }
}

const ERRORS: Record<string, string> = {
  '400': 'Invalid query or data (unknown fields, wrong types, too long)',
  '401': 'Not authenticated: no token, or an expired or forged one',
  '403': 'Not allowed (outsiders get this for channels whether they exist or not)',
  '404': 'No such record',
  '405': 'Method not allowed: this service does not offer it',
  '409': 'Conflict with an existing record',
  '429': 'Rate limited: see the Retry-After header and data.retry_after_seconds',
  '503': 'A dependency (database, Redis) is away'
}

/** The document's own copy of a schema: plain JSON Schema, without TypeBox's ids. */
const plain = (schema: unknown): any =>
  JSON.parse(JSON.stringify(schema), (key, value) => (key === '$id' ? undefined : value))

const errorResponses = (codes: string[]) =>
  Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/responses/Error${code}` }]))

const json = (schema: Json) => ({ content: { 'application/json': { schema } } })

/** Query parameters from a query schema: operators (`seq[$gt]`, `$sort[seq]`) are deep objects. */
function queryParameters(query: any): Json[] {
  const required = new Set<string>(query?.required ?? [])
  return Object.entries<any>(query?.properties ?? {}).map(([name, schema]) => {
    const deep = JSON.stringify(schema).includes('"object"')
    return {
      name,
      in: 'query',
      required: required.has(name),
      schema,
      ...(deep ? { style: 'deepObject', explode: true } : {})
    }
  })
}

function serviceOperations(path: string, schemas: ServiceSchemas, methods: readonly string[]) {
  // Components are named by the schemas' own ids (Message, MessageData, ...)
  const fallback = path.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())
  const names: Record<string, string> = {}
  const components: Json = {}
  for (const [suffix, schema] of [
    ['', schemas.result],
    ['Data', schemas.data],
    ['Patch', schemas.patch]
  ] as const) {
    if (!schema) continue
    names[suffix] = (schema as any).$id ?? `${fallback}${suffix}`
    components[names[suffix]] = plain(schema)
  }
  const ref = (suffix: string) => ({ $ref: `#/components/schemas/${names[suffix]}` })
  const query = schemas.query ? plain(schemas.query) : undefined
  const paths: Json = { [`/${path}`]: {}, [`/${path}/{id}`]: {} }
  const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }

  for (const method of STANDARD) {
    const route = ROUTES[method]
    const target = paths[route.item ? `/${path}/{id}` : `/${path}`]
    const parameters = route.item ? [idParameter] : []
    if (!methods.includes(method)) {
      target[route.verb] = {
        tags: [path],
        summary: `${method}: not offered`,
        parameters,
        responses: errorResponses(['405'])
      }
      continue
    }
    const operation: Json = {
      tags: [path],
      operationId: `${method}-${path}`,
      security: [{ bearer: [] }],
      parameters
    }
    if (method === 'find') {
      operation.parameters = [
        ...queryParameters(query),
        { name: '$limit', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 100 } },
        { name: '$skip', in: 'query', schema: { type: 'integer', minimum: 0 } }
      ].filter((parameter, index, all) => all.findIndex((other) => other.name === parameter.name) === index)
      const page = {
        type: 'object',
        required: ['total', 'limit', 'skip', 'data', ...Object.keys(schemas.pageTotals ?? {})],
        properties: {
          total: { type: 'integer' },
          limit: { type: 'integer' },
          skip: { type: 'integer' },
          data: { type: 'array', items: ref('') },
          ...plain(schemas.pageTotals ?? {})
        }
      }
      operation.responses = {
        '200': { description: 'A page', ...json(page) },
        ...errorResponses(['400', '401', '403', '404'])
      }
    } else {
      const body =
        method === 'create'
          ? schemas.data && ref('Data')
          : method === 'patch'
            ? schemas.patch && ref('Patch')
            : undefined
      if (body) operation.requestBody = { required: true, ...json(body) }
      // A patch may be refused for a budget too (a new phone number's confirmation code)
      const errors = [
        '400',
        '401',
        '403',
        '404',
        ...(method === 'create' ? ['409', '429'] : method === 'patch' ? ['429'] : [])
      ]
      operation.responses = {
        [route.success]: { description: 'The record', ...json(ref('')) },
        ...errorResponses(errors)
      }
    }
    target[route.verb] = operation
    if (method === 'patch' && schemas.patchQuery) {
      paths[`/${path}`].patch = {
        ...operation,
        operationId: `patch-own-${path}`,
        summary: 'Patch the caller’s own row in the channel named by the query',
        parameters: queryParameters(plain(schemas.patchQuery)).map((parameter) => ({
          ...parameter,
          required: true
        }))
      }
    }
  }
  return { components, paths }
}

/** The OpenAPI 3.1 document of every REST service the app offers, from their TypeBox schemas. */
export function openApiDocument(app: Application): Json {
  const document: Json = {
    openapi: '3.1.0',
    info: {
      title: 'context-chat',
      version: '0.1.0',
      description:
        'One chat channel per booking and dispute. The same services answer over Socket.io through the Feathers client; presence’s `view`, `leave` and `typing` are Socket.io only.'
    },
    tags: [] as Json[],
    paths: {
      '/authentication': {
        post: {
          tags: ['authentication'],
          operationId: 'create-authentication',
          requestBody: {
            required: true,
            ...json({
              oneOf: [
                {
                  type: 'object',
                  required: ['strategy', 'email', 'password'],
                  properties: {
                    strategy: { const: 'local' },
                    email: { type: 'string' },
                    password: { type: 'string' }
                  }
                },
                {
                  type: 'object',
                  required: ['strategy', 'accessToken'],
                  properties: { strategy: { const: 'jwt' }, accessToken: { type: 'string' } }
                }
              ]
            })
          },
          responses: {
            '201': {
              description: 'A token and the user',
              ...json({
                type: 'object',
                required: ['accessToken', 'user'],
                properties: { accessToken: { type: 'string' }, user: { $ref: '#/components/schemas/User' } }
              })
            },
            ...errorResponses(['400', '401', '429'])
          }
        }
      },
      '/health': { get: { tags: ['operations'], responses: { '200': { description: 'The process runs' } } } },
      '/ready': {
        get: {
          tags: ['operations'],
          responses: { '200': { description: 'Database and Redis answer' }, ...errorResponses(['503']) }
        }
      },
      '/metrics': {
        get: {
          tags: ['operations'],
          responses: {
            '200': {
              description: 'Prometheus text',
              content: { 'text/plain': { schema: { type: 'string' } } }
            }
          }
        }
      }
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['name', 'message', 'code', 'className'],
          properties: {
            name: { type: 'string' },
            message: { type: 'string' },
            code: { type: 'integer' },
            className: { type: 'string' },
            data: {},
            errors: {}
          }
        }
      } as Json,
      responses: Object.fromEntries(
        Object.entries(ERRORS).map(([code, description]) => [
          `Error${code}`,
          { description, ...json({ $ref: '#/components/schemas/Error' }) }
        ])
      )
    }
  }
  for (const [path, schemas] of Object.entries(serviceSchemas)) {
    const methods: readonly string[] = getServiceOptions(app.service(path as any)).methods ?? []
    const { components, paths } = serviceOperations(path, schemas, methods)
    document.tags.push({ name: path, description: schemas.description })
    Object.assign(document.components.schemas, components)
    Object.assign(document.paths, paths)
  }
  return document
}
