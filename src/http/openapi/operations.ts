import type { ServiceSchemas } from './service-schemas'
import type { OperationTexts } from './service-operations'
import { describeQueryOperators, errorResponses, json, plain, queryParameters, requestBody } from './parts'
import type { Json } from './parts'

const STANDARD = ['find', 'get', 'create', 'patch', 'remove'] as const
type Method = (typeof STANDARD)[number]

const ROUTES: Record<Method, { verb: string; item: boolean; success: string }> = {
  find: { verb: 'get', item: false, success: '200' },
  get: { verb: 'get', item: true, success: '200' },
  create: { verb: 'post', item: false, success: '201' },
  patch: { verb: 'patch', item: true, success: '200' },
  remove: { verb: 'delete', item: true, success: '200' }
}

// Every call spends a budget (its person's or address's), so any may be refused with 429
const ERRORS: Record<Method, string[]> = {
  find: ['400', '401', '403', '429'],
  get: ['400', '401', '403', '404', '429'],
  create: ['400', '401', '403', '404', '409', '429'],
  patch: ['400', '401', '403', '404', '409', '429'],
  remove: ['400', '401', '403', '404', '429']
}

export interface PageSettings {
  default: number
  max: number
}

/** Components are named by the schemas' own ids (Message, MessageData, ...). */
function componentsOf(path: string, schemas: ServiceSchemas) {
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
  for (const [field, limits] of Object.entries(schemas.documentedLimits ?? {})) {
    Object.assign(components[names.Data].properties[field], limits)
  }
  // Alternatives: each form is the data schema cut to its fields, with the examples that fit it
  for (const form of schemas.dataForms ?? []) {
    const data = components[names.Data]
    const fits = (example: Json) =>
      Object.keys(example).every((key) => form.fields.includes(key)) &&
      form.required.every((key) => key in example)
    components[`${names.Data}${form.name}`] = {
      type: 'object',
      title: form.title,
      description: form.title,
      required: form.required,
      additionalProperties: false,
      properties: Object.fromEntries(form.fields.map((field) => [field, data.properties[field]])),
      examples: (data.examples ?? []).filter(fits)
    }
  }
  return { names, components }
}

function findParameters(query: Json | undefined, page: PageSettings, schemas: ServiceSchemas): Json[] {
  // A find with its own page (checkpoints) documents its own `$limit`, in its own words, and no `$skip`
  if (schemas.ownPaging) {
    const ownLimit = plain(schemas.query).properties.$limit
    return queryParameters(query).map((parameter) =>
      parameter.name === '$limit'
        ? {
            ...parameter,
            description: ownLimit.description,
            schema: { ...parameter.schema, description: ownLimit.description }
          }
        : parameter
    )
  }
  const paging = [
    {
      name: '$limit',
      in: 'query',
      description: `Page size: ${page.default} unless given; more than ${page.max} gives ${page.max}`,
      schema: { type: 'integer', minimum: 0 }
    },
    { name: '$skip', in: 'query', description: 'Rows to pass over', schema: { type: 'integer', minimum: 0 } }
  ]
  const own = queryParameters(query).filter((parameter) => !['$limit', '$skip'].includes(parameter.name))
  return [...own, ...paging]
}

/** The paths and components of one REST service: only the methods it offers. */
export function serviceOperations(
  path: string,
  schemas: ServiceSchemas,
  texts: OperationTexts,
  methods: readonly string[],
  page: PageSettings
) {
  const { names, components } = componentsOf(path, schemas)
  const ref = (suffix: string) => ({ $ref: `#/components/schemas/${names[suffix]}` })
  const query = schemas.query ? describeQueryOperators(plain(schemas.query)) : undefined
  const paths: Json = {}
  // Services without item routes (presence, phone confirmations) have no `id` to describe
  const idSchema = plain(schemas.idParameter ?? (schemas.result as any).properties.id ?? {})
  const idParameter = {
    name: 'id',
    in: 'path',
    required: true,
    description: idSchema.description,
    schema: { type: 'integer', minimum: 1 },
    ...(idSchema.examples ? { example: idSchema.examples[0] } : {})
  }

  for (const method of STANDARD) {
    if (!methods.includes(method)) continue
    const route = ROUTES[method]
    const text = texts[method]
    if (!text) throw new Error(`The docs need a summary and description of ${path}.${method}`)
    const operation: Json = {
      tags: [path],
      operationId: `${method}-${path}`,
      summary: text.summary,
      description: text.description,
      security: [{ bearer: [] }],
      parameters: route.item ? [idParameter] : []
    }
    if (method === 'find') {
      operation.parameters = findParameters(query, page, schemas)
      const pageSchema = {
        type: 'object',
        description: 'One page of matching records',
        required: ['total', 'limit', 'skip', 'data', ...Object.keys(schemas.pageTotals ?? {})],
        properties: {
          total: { type: 'integer', description: 'How many records match, on every page' },
          limit: { type: 'integer', description: 'The page size used' },
          skip: { type: 'integer', description: 'How many were passed over' },
          data: { type: 'array', description: 'This page’s records', items: ref('') },
          ...plain(schemas.pageTotals ?? {}),
          ...plain(schemas.pageFields ?? {})
        }
      }
      operation.responses = { '200': { description: 'A page', ...json(pageSchema) } }
    } else {
      const forms = (schemas.dataForms ?? []).map((form) => ({
        $ref: `#/components/schemas/${names.Data}${form.name}`
      }))
      const body =
        method === 'create' && schemas.data ? 'Data' : method === 'patch' && schemas.patch ? 'Patch' : ''
      if (body) {
        const schema = body === 'Data' && forms.length ? { oneOf: forms } : ref(body)
        operation.requestBody = requestBody(components[names[body]], schema)
      }
      operation.responses = {
        [route.success]: { description: text.result ?? 'The record', ...json(ref('')) }
      }
    }
    // An admin naming a channel that does not exist gets 404 (others: 403 either way)
    const namesChannel =
      method === 'find' && (query?.required?.includes('channel_id') || schemas.findNamesChannel)
    Object.assign(operation.responses, errorResponses([...ERRORS[method], ...(namesChannel ? ['404'] : [])]))
    const target = route.item ? `/${path}/{id}` : `/${path}`
    paths[target] = { ...paths[target], [route.verb]: operation }
    if (method === 'patch' && schemas.patchQuery) {
      paths[`/${path}`] = {
        ...paths[`/${path}`],
        patch: {
          ...operation,
          operationId: `patch-own-${path}`,
          summary: `${text.summary}, by channel`,
          description: `${text.description} Without an id, the query names the channel and one’s own row in it is patched (no lookup of its id).`,
          parameters: queryParameters(plain(schemas.patchQuery)).map((parameter) => ({
            ...parameter,
            required: true
          }))
        }
      }
    }
  }
  return { components, paths }
}
