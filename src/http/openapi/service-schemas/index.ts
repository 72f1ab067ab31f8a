import { identitySchemas } from './identity'
import { contextSchemas } from './contexts'
import { messagingSchemas } from './messaging'
import { notificationSchemas } from './notifications'
import type { ServiceSchemas } from './types'

export type { DataForm, ServiceSchemas } from './types'

/**
 * Each REST service's schemas, the same ones that validate its calls and type the client,
 * one file per module. The document lists the services in this order.
 */
export const serviceSchemas: Record<string, ServiceSchemas> = {
  ...identitySchemas,
  ...contextSchemas,
  ...messagingSchemas,
  ...notificationSchemas
}
