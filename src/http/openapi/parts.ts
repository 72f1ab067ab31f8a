export type Json = Record<string, any>

/** The document's own copy of a schema: plain JSON Schema, without TypeBox's ids. */
export const plain = (schema: unknown): any =>
  JSON.parse(JSON.stringify(schema), (key, value) => (key === '$id' ? undefined : value))

export const json = (schema: Json) => ({ content: { 'application/json': { schema } } })

export const errorResponses = (codes: string[]) =>
  Object.fromEntries(
    [...new Set(codes)].sort().map((code) => [code, { $ref: `#/components/responses/Error${code}` }])
  )

// The Feathers query syntax's words, the same wherever they appear
const OPERATORS: Record<string, string> = {
  $gt: 'Greater than',
  $gte: 'Greater than or equal to',
  $lt: 'Less than',
  $lte: 'Less than or equal to',
  $ne: 'Not equal to',
  $in: 'Any of these',
  $nin: 'None of these',
  $limit: 'Page size',
  $skip: 'Rows to pass over',
  $sort: 'The order: a field, 1 ascending or -1 descending',
  $select: 'Only these fields',
  $or: 'Any of these conditions',
  $and: 'All of these conditions'
}

// A filter on a field: the field's words, from its value's schema (the first alternative)
const fieldDescription = (schema: any): string | undefined =>
  (schema?.anyOf ?? []).map((alternative: any) => alternative?.description).find(Boolean)

/**
 * Describes the operators the Feathers query syntax adds around a schema's fields
 * (`$gt`, `$in`, `$sort`...): their schemas are copies of the field's, whose words
 * (“the company’s id”) would say what the field is, not what the operator does.
 */
export function describeQueryOperators(schema: any, inSort = false): any {
  if (Array.isArray(schema)) return schema.map((item) => describeQueryOperators(item, inSort))
  if (!schema || typeof schema !== 'object') return schema
  const described: Json = {}
  for (const [key, value] of Object.entries<any>(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      described.properties = Object.fromEntries(
        Object.entries<any>(value).map(([name, property]) => {
          const inner = describeQueryOperators(property, name === '$sort')
          if (OPERATORS[name] && inner && typeof inner === 'object') inner.description = OPERATORS[name]
          else if (inSort && !inner.description) inner.description = '1 ascending, -1 descending'
          else if (inner && typeof inner === 'object' && !inner.description) {
            inner.description = fieldDescription(inner)
          }
          return [name, inner]
        })
      )
    } else {
      described[key] = describeQueryOperators(value, inSort)
    }
  }
  return described
}

/** The first example a schema, or the first of its alternatives, gives. */
const exampleOf = (schema: any): unknown =>
  schema?.examples?.[0] ??
  (schema?.anyOf ?? schema?.oneOf ?? []).map(exampleOf).find((x: unknown) => x !== undefined)

// `$or` and `$and` repeat every field with every operator: spelled out they were most of
// the document, which Swagger UI then took seconds to render. Their items are the query's fields.
const COMBINED = {
  $or: 'Any of these conditions, each over the query’s fields: `$or[0][name]=Ana&$or[1][id]=12`',
  $and: 'All of these conditions, each over the query’s fields (or an `$or`)'
}
const combined = (name: keyof typeof COMBINED) => ({
  type: 'array',
  description: COMBINED[name],
  items: { type: 'object', description: 'A condition' }
})

/** Query parameters from a query schema: operators (`seq[$gt]`, `$sort[seq]`) are deep objects. */
export function queryParameters(query: any): Json[] {
  const required = new Set<string>(query?.required ?? [])
  return Object.entries<any>(query?.properties ?? {}).map(([name, full]) => {
    const schema = name === '$or' || name === '$and' ? combined(name) : full
    const deep = JSON.stringify(schema).includes('"object"')
    const example = exampleOf(schema)
    return {
      name,
      in: 'query',
      required: required.has(name),
      description: schema.description ?? fieldDescription(schema) ?? OPERATORS[name],
      schema,
      ...(example === undefined ? {} : { example }),
      ...(deep ? { style: 'deepObject', explode: true } : {})
    }
  })
}

/** A request body with the schema's examples, so that “Try it out” starts from a working one. */
export function requestBody(component: Json, schema: Json) {
  const examples: Json[] = component.examples ?? []
  return {
    required: true,
    description: component.description,
    content: {
      'application/json': {
        schema,
        examples: Object.fromEntries(
          examples.map((value, index) => [`example${index + 1}`, { summary: summaryOf(value), value }])
        )
      }
    }
  }
}

const summaryOf = (value: Json) =>
  Object.keys(value)
    .filter((key) => key !== 'content')
    .map((key) => `${key}: ${JSON.stringify(value[key])}`)
    .join(', ')
    .slice(0, 80) || 'example'
