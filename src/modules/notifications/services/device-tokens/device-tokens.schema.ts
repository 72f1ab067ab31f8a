import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../../declarations'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Timestamp, documented } from '../../../../schema-types'

export const deviceTokenSchema = Type.Object(
  {
    id: documented(Id, 'The token’s id', [5]),
    user_id: documented(Id, 'Whose device it is', [11]),
    // FCM and APNs tokens are a few hundred visible ASCII characters (the unique index on
    // token would hold at most about 2700 bytes: a longer one must be refused, not fail)
    token: Type.String({
      minLength: 1,
      maxLength: 512,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'The FCM registration token: 1 to 512 visible ASCII characters, no spaces',
      examples: ['fcm-registration-token-of-anas-phone']
    }),
    platform: Type.Union([Type.Literal('ios'), Type.Literal('android'), Type.Literal('web')], {
      description: 'The kind of device',
      examples: ['android']
    }),
    created_at: documented(Timestamp, 'When it was registered', ['2026-12-01T09:00:00.000Z'])
  },
  { $id: 'DeviceToken', additionalProperties: false, description: 'A device that gets push notifications' }
)
export type DeviceToken = Static<typeof deviceTokenSchema>

export const deviceTokenDataSchema = Type.Pick(deviceTokenSchema, ['token', 'platform'], {
  $id: 'DeviceTokenData',
  additionalProperties: false,
  description: 'A device to register for push notifications',
  examples: [{ token: 'fcm-registration-token-of-anas-tablet', platform: 'android' }]
})
export type DeviceTokenData = Static<typeof deviceTokenDataSchema>
export const deviceTokenDataValidator = getValidator(deviceTokenDataSchema, dataValidator)

export const deviceTokenQuerySchema = querySyntax(
  Type.Pick(deviceTokenSchema, ['id', 'user_id', 'platform', 'created_at'])
)
export type DeviceTokenQuery = Static<typeof deviceTokenQuerySchema>
export const deviceTokenQueryValidator = getValidator(deviceTokenQuerySchema, queryValidator)

/** People see and remove their own tokens only; internal calls see all. */
export const deviceTokenQueryResolver = resolve<DeviceTokenQuery, HookContext>({
  user_id: async (value, _query, context) => (context.params.provider ? context.params.user?.id : value)
})
