import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp } from '../../../../schema-types'

export const notificationStatuses = ['pending', 'deferred', 'sent', 'failed', 'skipped'] as const

export const notificationSchema = Type.Object(
  {
    id: Id,
    user_id: Id,
    channel_id: Id,
    message_id: Id,
    kind: Type.Union([Type.Literal('sms'), Type.Literal('push')]),
    provider: Type.Union([Type.Literal('twilio'), Type.Literal('fcm'), Type.Literal('log')]),
    device_token_id: Nullable(Id),
    status: Type.Union(notificationStatuses.map((status) => Type.Literal(status))),
    attempts: Type.Integer({ minimum: 0 }),
    last_error: Nullable(Type.String()),
    /** why a delivery was skipped or deferred */
    reason: Nullable(Type.String()),
    /** the text that was sent */
    body: Nullable(Type.String()),
    scheduled_for: Timestamp,
    claimed_until: Nullable(Timestamp),
    sending_at: Nullable(Timestamp),
    sent_at: Nullable(Timestamp),
    created_at: Timestamp
  },
  { $id: 'Notification', additionalProperties: false }
)
export type Notification = Static<typeof notificationSchema>

export const notificationQuerySchema = querySyntax(
  Type.Pick(notificationSchema, [
    'id',
    'user_id',
    'channel_id',
    'message_id',
    'kind',
    'status',
    'scheduled_for',
    'sent_at'
  ])
)
export type NotificationQuery = Static<typeof notificationQuerySchema>
export const notificationQueryValidator = getValidator(notificationQuerySchema, queryValidator)
