import assert from 'assert'
import SwaggerParser from '@apidevtools/swagger-parser'
import { getServiceOptions } from '@feathersjs/feathers'
import { Ajv, addFormats } from '@feathersjs/schema'
import { useServer } from '../../helpers/app'
import { buildAdmin, buildUser } from '../../helpers/factories'
import { bookingChannel } from '../../helpers/fixtures'
import { http, login } from '../../helpers/clients'

const UNKNOWN_ID = 999999999

describe('OpenAPI document and docs page', () => {
  const server = useServer()
  let document: any

  before(async () => {
    await bookingChannel(server.app)
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
      assert.ok(document.paths[`/${path}`] ?? document.paths[`/${path}/{id}`], `/${path} is documented`)
      const offered: readonly string[] = getServiceOptions(server.app.service(path as any)).methods ?? []
      assert.ok(offered.length > 0, `${path} offers methods`)
      const verbs = {
        find: ['', 'get'],
        get: ['/{id}', 'get'],
        create: ['', 'post'],
        update: ['/{id}', 'put'],
        patch: ['/{id}', 'patch'],
        remove: ['/{id}', 'delete']
      }
      for (const [method, [suffix, verb]] of Object.entries(verbs)) {
        const operation = document.paths[`/${path}${suffix}`]?.[verb]
        if (offered.includes(method)) assert.ok(operation?.operationId, `${method} of ${path}`)
        // A method a service does not offer is a 405: it has no place in the document
        else assert.strictEqual(operation, undefined, `${path} does not offer ${method}, yet it is listed`)
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
    assert.strictEqual(document.paths['/messages/{id}'].put, undefined)
    assert.ok(!JSON.stringify(document).includes('"405"'), 'no operation answers only 405')
  })

  it('describes every operation, parameter and property, and gives every request body an example', () => {
    const undescribed: string[] = []
    let properties = 0
    const walk = (node: any, where: string) => {
      if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${where}[${index}]`))
      if (!node || typeof node !== 'object') return
      if (node.properties && typeof node.properties === 'object') {
        for (const [name, property] of Object.entries<any>(node.properties)) {
          properties++
          if (!property?.description) undescribed.push(`${where}.properties.${name}`)
        }
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${where}.${key}`)
    }
    walk(document, '#')
    let operations = 0
    for (const [route, verbs] of Object.entries<any>(document.paths)) {
      for (const [verb, operation] of Object.entries<any>(verbs)) {
        operations++
        if (!operation.summary || !operation.description) undescribed.push(`${verb} ${route}`)
        for (const parameter of operation.parameters ?? []) {
          if (!parameter.description) undescribed.push(`${verb} ${route} parameter ${parameter.name}`)
        }
        const body = operation.requestBody?.content?.['application/json']
        if (body) {
          assert.ok(Object.keys(body.examples ?? {}).length > 0, `${verb} ${route} has an example body`)
        }
      }
    }
    assert.deepStrictEqual(undescribed, [], `${undescribed.length} of ${properties} properties undescribed`)
    assert.ok(properties > 500 && operations > 40, `${properties} properties, ${operations} operations`)
  })

  it('documents the alternatives of a message body, logout, the budget and the real content limit', () => {
    const send = document.paths['/messages'].post.requestBody.content['application/json']
    const forms = send.schema.oneOf.map(
      (form: any) => document.components.schemas[form.$ref.split('/').pop()]
    )
    assert.deepStrictEqual(
      forms.map((form: any) => form.required),
      [
        ['channel_id', 'content'],
        ['context_type', 'context_id', 'content']
      ]
    )
    for (const form of forms) {
      assert.strictEqual(form.additionalProperties, false)
      assert.strictEqual(form.properties.content.maxLength, 4000)
    }
    assert.ok(document.paths['/authentication'].delete, 'logout is documented')
    for (const [route, verbs] of Object.entries<any>(document.paths)) {
      if (route === '/health' || route === '/ready') continue
      for (const [verb, operation] of Object.entries<any>(verbs)) {
        assert.ok(operation.responses['429'], `${verb} ${route} documents 429`)
      }
    }
    assert.ok(document.components.responses.Error429.headers['Retry-After'])
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
