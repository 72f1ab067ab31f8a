import {
  deviceTokenDataSchema,
  deviceTokenQuerySchema,
  deviceTokenSchema
} from '../../../modules/notifications/services/device-tokens/device-tokens.schema'
import {
  notificationQuerySchema,
  notificationSchema
} from '../../../modules/notifications/services/notifications/notifications.schema'
import type { ServiceSchemas } from './types'

/** The notifications module's REST services: push tokens and delivery attempts. */
export const notificationSchemas: Record<string, ServiceSchemas> = {
  'device-tokens': {
    description: 'One’s own push tokens.',
    result: deviceTokenSchema,
    data: deviceTokenDataSchema,
    query: deviceTokenQuerySchema
  },
  notifications: {
    description: 'Delivery attempts, admins only.',
    result: notificationSchema,
    query: notificationQuerySchema
  }
}
