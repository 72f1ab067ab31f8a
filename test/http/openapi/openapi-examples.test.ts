import assert from 'assert'
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv, addFormats } from '@feathersjs/schema'
import { startApp } from '../../helpers/app'
import type { TestServer } from '../../helpers/app'
import { closeClients, http, login } from '../../helpers/clients'
import { createSuiteDatabase } from '../../helpers/database'
import { PASSWORD } from '../../helpers/factories'
import { EXAMPLE_PEOPLE, buildExampleWorld } from '../../helpers/example-world'
import type { OpenAPIV3 } from 'openapi-types'

// Who sends an operation's examples: Dana (admin) for what only admins may call and for the
// admin's side of users and checkpoints; Ana, who works the example booking, for everything else
const ADMIN_SERVICES = [
  'companies',
  'company-members',
  'bookings',
  'disputes',
  'transcripts',
  'history-checks',
  'contact-findings',
  'notifications'
]
const senderOf = (route: string, verb: string) => {
  const service = route.split('/')[1]
  const adminSideOfUsers = route === '/users' // finding by email and creating accounts
  const adminSideOfCheckpoints = route === '/checkpoints' && verb === 'post' // participants read them
  return ADMIN_SERVICES.includes(service) || adminSideOfUsers || adminSideOfCheckpoints ? 'dana' : 'ana'
}

// Reads first, then creations, changes and removals, and logging out last: each example
// finds the world as the examples describe it
const VERBS = ['get', 'post', 'patch', 'delete']
const rank = (route: string, verb: string) =>
  route === '/authentication' && verb === 'delete' ? VERBS.length : VERBS.indexOf(verb)

interface Request {
  label: string
  /** the documented schema of the body: an example must match it (one form of a oneOf) */
  bodySchema?: object
  verb: string
  path: string
  body?: unknown
  sender?: string
  expected: number
  schema?: object
}

/** A query parameter as OpenAPI's deepObject style sends an object: `$sort[relevance]=-1`. */
function setQueryParameter(query: URLSearchParams, name: string, value: unknown) {
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) setQueryParameter(query, `${name}[${key}]`, inner)
  } else query.set(name, String(value))
}

/** Every request the document's examples make, as they are: path, query and body from the examples only. */
function documentedRequests(document: any): { requests: Request[]; examples: number } {
  const requests: Request[] = []
  let examples = 0
  const operations = Object.entries<any>(document.paths).flatMap(([route, verbs]) =>
    Object.entries<any>(verbs).map(([verb, operation]) => ({ route, verb, operation }))
  )
  operations.sort((a, b) => rank(a.route, a.verb) - rank(b.route, b.verb))
  for (const { route, verb, operation } of operations) {
    const label = `${verb.toUpperCase()} ${route}`
    let path = route
    const query = new URLSearchParams()
    for (const parameter of operation.parameters ?? []) {
      if (parameter.example === undefined) {
        assert.ok(!parameter.required, `${label}: required parameter ${parameter.name} has no example`)
        continue
      }
      examples++
      if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, String(parameter.example))
      else setQueryParameter(query, parameter.name, parameter.example)
    }
    assert.ok(!path.includes('{'), `${label}: a path parameter has no example`)
    const target = query.size ? `${path}?${query}` : path
    const success = Object.keys(operation.responses).find((code) => code.startsWith('2'))
    assert.ok(success, `${label} documents a success`)
    const expected = Number(success)
    const schema = operation.responses[success].content?.['application/json']?.schema
    const sender = operation.security ? senderOf(route, verb) : undefined
    const content = operation.requestBody?.content?.['application/json']
    if (!content) {
      requests.push({ label, verb, path: target, sender, expected, schema })
      continue
    }
    const bodies = Object.entries<any>(content.examples ?? {})
    assert.ok(bodies.length > 0, `${label} has a body but no example`)
    for (const [name, example] of bodies) {
      examples++
      requests.push({
        bodySchema: content.schema,
        label: `${label} (${name})`,
        verb,
        path: target,
        body: example.value,
        sender,
        expected,
        schema
      })
    }
  }
  return { requests, examples }
}

describe('the API docs’ examples, sent as they are', function () {
  this.timeout(120_000)
  let server: TestServer
  let database: Awaited<ReturnType<typeof createSuiteDatabase>>

  before(async () => {
    database = await createSuiteDatabase('examples')
    server = await startApp({ database: { url: database.url, dataDir: '', pool: { min: 0, max: 10 } } })
    await buildExampleWorld(server.app, server.url)
  })
  after(async () => {
    closeClients()
    await server?.close()
    await database?.drop()
  })

  it('get the documented status and shape, every one of them', async () => {
    const { body: document } = await http<OpenAPIV3.Document>(server.url, 'GET', '/openapi.json')
    const dereferenced: any = await SwaggerParser.dereference(structuredClone(document))
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }), ['date-time', 'email'])
    const tokens: Record<string, string> = {
      ana: await login(server.url, { email: EXAMPLE_PEOPLE.ana.email, password: PASSWORD }),
      dana: await login(server.url, { email: EXAMPLE_PEOPLE.dana.email, password: PASSWORD })
    }
    const { requests, examples } = documentedRequests(dereferenced)
    const wrong: string[] = []
    for (const request of requests) {
      if (request.bodySchema && !ajv.validate(request.bodySchema, request.body)) {
        wrong.push(`${request.label}: the example breaks its own documented schema: ${ajv.errorsText()}`)
      }
      const token = request.sender ? tokens[request.sender] : undefined
      const answer = await http(server.url, request.verb.toUpperCase(), request.path, {
        token,
        body: request.body
      })
      if (answer.status !== request.expected) {
        wrong.push(
          `${request.label} as ${request.sender ?? 'anyone'}: ${answer.status}, documented ${request.expected}: ${answer.text.slice(0, 300)}`
        )
      } else if (request.schema && !ajv.validate(request.schema, answer.body)) {
        wrong.push(`${request.label}: not the documented shape: ${ajv.errorsText()}`)
      }
    }
    assert.deepStrictEqual(wrong, [])
    // Every operation is sent, and the examples are the document's own: dozens, not a handful
    const operations = Object.values<any>(document.paths).reduce(
      (sum, verbs) => sum + Object.keys(verbs).length,
      0
    )
    assert.ok(requests.length >= operations, `${requests.length} requests for ${operations} operations`)
    assert.ok(examples > 60, `${examples} examples sent`)
  })
})
