import { Ajv, addFormats } from '@feathersjs/schema'
import type { FormatsPluginOptions } from '@feathersjs/schema'

const formats: FormatsPluginOptions = ['date-time', 'time', 'date', 'email', 'uri', 'uuid']

export const dataValidator: Ajv = addFormats(new Ajv({ allErrors: false }), formats)

// Query strings arrive as text over REST, so queries are coerced to the schema's types
export const queryValidator: Ajv = addFormats(
  new Ajv({ coerceTypes: true, allErrors: false }),
  formats
)
