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

/**
 * Compiling every service's schemas when their modules load was most of the start-up
 * time (seconds on a busy machine): each validator is compiled on its first call
 * instead, once, and only the ones a process uses are compiled at all.
 */
const compilingOnFirstUse = (ajv: Ajv) => {
  const compileNow = ajv.compile.bind(ajv)
  ajv.compile = ((schema: object, meta?: boolean) => {
    let validate: ((...args: unknown[]) => unknown) | undefined
    return function (this: unknown, ...args: unknown[]) {
      validate ??= compileNow(schema, meta) as (...args: unknown[]) => unknown
      return validate.apply(this, args)
    }
  }) as Ajv['compile']
  return ajv
}

export const dataValidator: Ajv = compilingOnFirstUse(
  withInstantDateTimes(addFormats(new Ajv({ allErrors: false }), formats))
)

// Query strings arrive as text over REST, so queries are coerced to the schema's types
export const queryValidator: Ajv = compilingOnFirstUse(
  withInstantDateTimes(addFormats(new Ajv({ coerceTypes: true, allErrors: false }), formats))
)
