import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp } from '../../../../schema-types'
import { contactKinds } from '../../contact-guard/detect'

export const ContactKind = Type.Union(contactKinds.map((kind) => Type.Literal(kind)))

/** Where in the message as sent one contact detail is (UTF-16 offsets, end exclusive). */
export const contactSpanSchema = Type.Object(
  { kind: ContactKind, start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
  { $id: 'ContactSpan', additionalProperties: false }
)

/** A message in which the contact-details guard found details: for admins to review. */
export const contactFindingSchema = Type.Object(
  {
    id: Id,
    message_id: Id,
    channel_id: Id,
    sender_id: Id,
    /** what the channel's context asked for when the message was sent */
    policy: Type.Union([Type.Literal('flag'), Type.Literal('mask')]),
    kinds: Type.Array(ContactKind),
    spans: Type.Array(contactSpanSchema),
    created_at: Timestamp,
    resolved_at: Nullable(Timestamp),
    resolved_by: Nullable(Id),
    resolution: Nullable(Type.String())
  },
  { $id: 'ContactFinding', additionalProperties: false }
)
export type ContactFinding = Static<typeof contactFindingSchema>

/** An admin resolves a finding, saying what was done (the message itself is never changed). */
export const contactFindingPatchSchema = Type.Object(
  {
    resolved: Type.Literal(true),
    resolution: Type.Optional(Type.String({ minLength: 1, maxLength: 500 }))
  },
  { $id: 'ContactFindingPatch', additionalProperties: false }
)
export type ContactFindingPatch = Static<typeof contactFindingPatchSchema>
export const contactFindingPatchValidator = getValidator(contactFindingPatchSchema, dataValidator)

export const contactFindingQuerySchema = Type.Object(
  {
    channel_id: Type.Optional(Id),
    sender_id: Type.Optional(Id),
    message_id: Type.Optional(Id),
    policy: Type.Optional(Type.Union([Type.Literal('flag'), Type.Literal('mask')])),
    resolved: Type.Optional(Type.Boolean()),
    $limit: Type.Optional(Type.Integer({ minimum: 0 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 })),
    $sort: Type.Optional(
      Type.Object({ id: Type.Union([Type.Literal(1), Type.Literal(-1)]) }, { additionalProperties: false })
    )
  },
  { $id: 'ContactFindingQuery', additionalProperties: false }
)
export type ContactFindingQuery = Static<typeof contactFindingQuerySchema>
export const contactFindingQueryValidator = getValidator(contactFindingQuerySchema, queryValidator)
