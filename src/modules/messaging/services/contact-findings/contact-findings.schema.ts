import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp, documented } from '../../../../schema-types'
import { contactKinds } from '../../contact-guard/detect'

export const ContactKind = Type.Union(
  contactKinds.map((kind) => Type.Literal(kind)),
  { description: 'A phone number, an e-mail address, or a messaging or social handle', examples: ['phone'] }
)
const Policy = (description: string) =>
  Type.Union([Type.Literal('flag'), Type.Literal('mask')], { description, examples: ['flag'] })

/** Where in the message as sent one contact detail is (UTF-16 offsets, end exclusive). */
export const contactSpanSchema = Type.Object(
  {
    kind: ContactKind,
    start: Type.Integer({ minimum: 0, description: 'Where it starts: a UTF-16 offset in the text as sent' }),
    end: Type.Integer({ minimum: 0, description: 'Where it ends: the UTF-16 offset just after it' })
  },
  { $id: 'ContactSpan', additionalProperties: false, description: 'One contact detail and where it is' }
)

/** A message in which the contact-details guard found details: for admins to review. */
export const contactFindingSchema = Type.Object(
  {
    id: documented(Id, 'The finding’s id', [91]),
    message_id: documented(Id, 'The message the details were found in (stored as sent)', [1002]),
    channel_id: documented(Id, 'The message’s channel', [7]),
    sender_id: documented(Id, 'Who sent the message', [11]),
    /** what the channel's context asked for when the message was sent */
    policy: Policy(
      'What the channel’s booking or dispute asked for when it was sent: flag (delivered as sent) or mask (participants see the details hidden)'
    ),
    kinds: Type.Array(ContactKind, { description: 'The kinds of detail found, each once' }),
    spans: Type.Array(contactSpanSchema, { description: 'Each detail found, in the order of the text' }),
    created_at: documented(Timestamp, 'When the message was sent and the finding made'),
    resolved_at: documented(Nullable(Timestamp), 'When an admin resolved it (null: still open)'),
    resolved_by: documented(
      Nullable(Id),
      'The admin who resolved it (null: still open, or an internal call)'
    ),
    resolution: documented(Nullable(Type.String()), 'What the admin said was done, if anything')
  },
  {
    $id: 'ContactFinding',
    additionalProperties: false,
    description: 'A message in which the contact-details guard found details, for admins to review'
  }
)
export type ContactFinding = Static<typeof contactFindingSchema>

/** An admin resolves a finding, saying what was done (the message itself is never changed). */
export const contactFindingPatchSchema = Type.Object(
  {
    resolved: Type.Literal(true, {
      description: 'Resolves it: once; a second resolve leaves the first as it was'
    }),
    resolution: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'What was done about it (1 to 500 characters)',
        examples: ['Reminded Ana to keep contact details in the chat']
      })
    )
  },
  {
    $id: 'ContactFindingPatch',
    additionalProperties: false,
    description: 'Resolves a finding, saying what was done; the message itself is never changed',
    examples: [{ resolved: true, resolution: 'Reminded Ana to keep contact details in the chat' }]
  }
)
export type ContactFindingPatch = Static<typeof contactFindingPatchSchema>
export const contactFindingPatchValidator = getValidator(contactFindingPatchSchema, dataValidator)

export const contactFindingQuerySchema = Type.Object(
  {
    channel_id: Type.Optional(documented(Id, 'Only this channel’s', [7])),
    sender_id: Type.Optional(documented(Id, 'Only this sender’s', [11])),
    message_id: Type.Optional(documented(Id, 'Only this message’s', [1002])),
    policy: Type.Optional(Policy('Only findings of this policy: flag or mask')),
    resolved: Type.Optional(
      Type.Boolean({ description: 'Only resolved (true) or only open (false) findings', examples: [false] })
    ),
    $limit: Type.Optional(Type.Integer({ minimum: 0, description: 'Page size' })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows to skip' })),
    $sort: Type.Optional(
      Type.Object(
        {
          id: Type.Union([Type.Literal(1), Type.Literal(-1)], {
            description: '1 oldest first, -1 newest first (default)'
          })
        },
        { additionalProperties: false, description: 'The order' }
      )
    )
  },
  { $id: 'ContactFindingQuery', additionalProperties: false }
)
export type ContactFindingQuery = Static<typeof contactFindingQuerySchema>
export const contactFindingQueryValidator = getValidator(contactFindingQuerySchema, queryValidator)
