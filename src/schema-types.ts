import { Type } from '@feathersjs/typebox'
import type { Static, TSchema } from '@feathersjs/typebox'

/** Record ids: positive integers (bigint columns read as numbers). */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
/** The one id type of the project: services, events and stores all speak of ids this way. */
export type Id = Static<typeof Id>

export const Timestamp = Type.String({ format: 'date-time' })

/**
 * A shared schema (an id, a time) with what it means where it is used: the API docs are
 * generated from these schemas, so a field's description and examples are written here,
 * once. Validation is unchanged: both are annotations.
 */
export const documented = <T extends TSchema>(schema: T, description: string, examples?: unknown[]): T => ({
  ...schema,
  description,
  ...(examples ? { examples } : {})
})

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** A record as people see it named: a sender, a company. */
export const NamedRef = (options: { $id?: string; description?: string } = {}) =>
  Type.Object(
    {
      id: documented(Id, 'Its id'),
      name: Type.String({ description: 'Its name, as people see it' })
    },
    { additionalProperties: false, ...options }
  )
