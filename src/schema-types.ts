import { Type } from '@feathersjs/typebox'
import type { Static, TSchema } from '@feathersjs/typebox'

/** Record ids: positive integers (bigint columns read as numbers). */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
/** The one id type of the project: services, events and stores all speak of ids this way. */
export type Id = Static<typeof Id>

export const Timestamp = Type.String({ format: 'date-time' })

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** A record as people see it named: a sender, a company. */
export const NamedRef = (options: { $id?: string } = {}) =>
  Type.Object({ id: Id, name: Type.String() }, { additionalProperties: false, ...options })
