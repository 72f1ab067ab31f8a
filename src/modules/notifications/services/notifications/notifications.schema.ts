import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp, documented } from '../../../../schema-types'

export const notificationStatuses = ['pending', 'deferred', 'sent', 'failed', 'skipped'] as const

export const notificationSchema = Type.Object(
  {
    id: documented(Id, 'The delivery’s id', [9]),
    user_id: documented(Id, 'The recipient', [11]),
    channel_id: documented(Id, 'The channel of the message', [7]),
    message_id: documented(Id, 'The message it announces (coalesced ones: the first)', [1001]),
    kind: Type.Union([Type.Literal('sms'), Type.Literal('push')], {
      description: 'SMS or push',
      examples: ['sms']
    }),
    provider: Type.Union([Type.Literal('twilio'), Type.Literal('fcm'), Type.Literal('log')], {
      description: 'Who delivers it (`log`: written to the log only)'
    }),
    device_token_id: documented(Nullable(Id), 'The device of a push (null: an SMS)'),
    status: Type.Union(
      notificationStatuses.map((status) => Type.Literal(status)),
      { description: 'Where the delivery stands', examples: ['sent'] }
    ),
    attempts: Type.Integer({ minimum: 0, description: 'Attempts made so far' }),
    last_error: documented(Nullable(Type.String()), 'The provider’s last error, if any'),
    /** why a delivery was skipped or deferred */
    reason: documented(
      Nullable(Type.String()),
      'Why it was skipped or deferred (online, read, quiet hours…)'
    ),
    /** the text that was sent */
    body: documented(Nullable(Type.String()), 'The text that was sent'),
    scheduled_for: documented(Timestamp, 'When it is due', ['2026-12-01T09:00:00.000Z']),
    claimed_until: documented(Nullable(Timestamp), 'Until when an instance holds it to send it'),
    sending_at: documented(Nullable(Timestamp), 'When an instance began handing it to the provider'),
    sent_at: documented(Nullable(Timestamp), 'When the provider accepted it', ['2026-12-01T09:00:00.000Z']),
    created_at: documented(Timestamp, 'When it was planned')
  },
  { $id: 'Notification', additionalProperties: false, description: 'One SMS or push delivery attempt' }
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
