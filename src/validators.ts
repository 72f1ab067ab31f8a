import { Ajv, addFormats } from '@feathersjs/schema'
import type { FormatsPluginOptions } from '@feathersjs/schema'

const formats: FormatsPluginOptions = ['date-time', 'time', 'date', 'email', 'uri', 'uuid']

/**
 * RFC 3339 allows a leap second (`23:59:60`), which JavaScript dates cannot hold: such a
 * timestamp passed validation and then failed as an Invalid Date. Every date-time, in
 * data and queries alike, must also be an instant a Date can represent.
 */
const withInstantDateTimes = (ajv: Ajv) => {
  const rfc3339 = ajv.formats['date-time'] as { validate: (value: string) => boolean }
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value: string) => rfc3339.validate(value) && !Number.isNaN(Date.parse(value))
  })
  return ajv
}

export const dataValidator: Ajv = withInstantDateTimes(addFormats(new Ajv({ allErrors: false }), formats))

// Query strings arrive as text over REST, so queries are coerced to the schema's types
export const queryValidator: Ajv = withInstantDateTimes(
  addFormats(new Ajv({ coerceTypes: true, allErrors: false }), formats)
)
