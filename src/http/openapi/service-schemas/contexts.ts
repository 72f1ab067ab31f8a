import {
  bookingDataSchema,
  bookingPatchSchema,
  bookingQuerySchema,
  bookingSchema
} from '../../../modules/contexts/bookings/bookings.schema'
import {
  disputeDataSchema,
  disputePatchSchema,
  disputeQuerySchema,
  disputeSchema
} from '../../../modules/contexts/disputes/disputes.schema'
import type { ServiceSchemas } from './types'

/** The contexts module's REST services: the bookings and disputes channels belong to. */
export const contextSchemas: Record<string, ServiceSchemas> = {
  bookings: {
    description: 'Admins and internal calls only.',
    result: bookingSchema,
    data: bookingDataSchema,
    patch: bookingPatchSchema,
    query: bookingQuerySchema
  },
  disputes: {
    description: 'Admins and internal calls only.',
    result: disputeSchema,
    data: disputeDataSchema,
    patch: disputePatchSchema,
    query: disputeQuerySchema
  }
}
