import assert from 'assert'
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv, addFormats } from '@feathersjs/schema'
import { useServer } from '../helpers/app'
import { buildAdmin, buildBooking, buildUser, openBookingChannel } from '../helpers/factories'
import { http, login } from '../helpers/clients'

const UNKNOWN_ID = 999999999

describe('OpenAPI document and docs page', () => {
  const server = useServer()
  let document: any

  before(async () => {
    const world = await buildBooking(server.app)
    await openBookingChannel(server.app, world)
    const { status, body } = await http(server.url, 'GET', '/openapi.json')
    assert.strictEqual(status, 200)
    document = body
  })

  it('is a valid OpenAPI document', async () => {
    await SwaggerParser.validate(structuredClone(document))
    assert.match(document.openapi, /^3\./)
  })

  it('covers every REST service, each method it offers, and every query operator of its schema', () => {
    const services = Object.keys(server.app.services).filter((path) => path !== 'authentication')
    for (const path of services) {
      assert.ok(document.paths[`/${path}`], `/${path} is documented`)
      const offered: string[] = (server.app.service(path as any) as any).methods ?? []
      const verbs = {
        find: ['', 'get'],
        get: ['/{id}', 'get'],
        create: ['', 'post'],
        patch: ['/{id}', 'patch'],
        remove: ['/{id}', 'delete']
      }
      for (const [method, [suffix, verb]] of Object.entries(verbs)) {
        if (!offered.includes(method)) continue
        assert.ok(document.paths[`/${path}${suffix}`][verb].operationId, `${method} of ${path}`)
      }
    }
    const messageQuery = document.paths['/messages'].get.parameters.map((parameter: any) => parameter.name)
    for (const name of [
      'channel_id',
      'seq',
      'sender_id',
      'is_deleted',
      '$withDeleted',
      '$limit',
      '$skip',
      '$sort'
    ]) {
      assert.ok(messageQuery.includes(name), `messages.find documents ${name}: ${messageQuery}`)
    }
    const seq = document.paths['/messages'].get.parameters.find((parameter: any) => parameter.name === 'seq')
    assert.strictEqual(seq.style, 'deepObject')
    assert.ok(JSON.stringify(seq.schema).includes('$gt'))
    assert.ok(document.paths['/participants'].patch, 'a patch without an id is documented')
    assert.deepStrictEqual(Object.keys(document.paths['/messages/{id}'].put.responses), ['405'])
  })

  it('answers every documented route with a documented status, and successes in the documented shape', async () => {
    const dereferenced: any = await SwaggerParser.dereference(structuredClone(document))
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }), ['date-time', 'email'])
    const tokens = {
      admin: await login(server.url, await buildAdmin(server.app)),
      person: await login(server.url, await buildUser(server.app))
    }
    let checked = 0
    for (const [route, operations] of Object.entries<any>(dereferenced.paths)) {
      for (const [verb, operation] of Object.entries<any>(operations)) {
        for (const [who, token] of Object.entries(tokens)) {
          const path = route.replace('{id}', String(UNKNOWN_ID))
          const body = ['post', 'put', 'patch'].includes(verb) ? {} : undefined
          const answer = await http(server.url, verb.toUpperCase(), path, { token, body })
          const documented = Object.keys(operation.responses)
          assert.ok(
            documented.includes(String(answer.status)),
            `${who} ${verb} ${path}: ${answer.status} not in ${documented}: ${answer.text.slice(0, 200)}`
          )
          const schema = operation.responses[String(answer.status)]?.content?.['application/json']?.schema
          if (answer.status < 300 && schema) {
            assert.ok(ajv.validate(schema, answer.body), `${who} ${verb} ${path}: ${ajv.errorsText()}`)
          }
          checked++
        }
      }
    }
    assert.ok(checked > 50, `checked ${checked} operations`)
  })

  it('serves a docs page over the document', async () => {
    const page = await http(server.url, 'GET', '/docs')
    assert.strictEqual(page.status, 200)
    const bundlePath = /src="([^"]+swagger-ui-bundle\.js)"/.exec(page.text)?.[1]
    assert.ok(bundlePath, 'the page loads the Swagger UI bundle')
    const bundle = await fetch(server.url + bundlePath)
    assert.strictEqual(bundle.status, 200)
    assert.ok((await bundle.text()).length > 10_000)
  })
})
