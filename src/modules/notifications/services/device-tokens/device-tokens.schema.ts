import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../../declarations'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Timestamp } from '../../../../schema-types'

export const deviceTokenSchema = Type.Object(
  {
    id: Id,
    user_id: Id,
    // FCM and APNs tokens are a few hundred visible ASCII characters (the unique index on
    // token would hold at most about 2700 bytes: a longer one must be refused, not fail)
    token: Type.String({ minLength: 1, maxLength: 512, pattern: '^[\\x21-\\x7E]+$' }),
    platform: Type.Union([Type.Literal('ios'), Type.Literal('android'), Type.Literal('web')]),
    created_at: Timestamp
  },
  { $id: 'DeviceToken', additionalProperties: false }
)
export type DeviceToken = Static<typeof deviceTokenSchema>

export const deviceTokenDataSchema = Type.Pick(deviceTokenSchema, ['token', 'platform'], {
  $id: 'DeviceTokenData',
  additionalProperties: false
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
