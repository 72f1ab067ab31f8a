import { authenticateCaller } from '../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireAdmin } from '../../../hooks/require-admin'
import { actorOf, announceEach } from '../../../hooks/announce-each'
import {
  bookingDataValidator,
  bookingPatchValidator,
  bookingQueryResolver,
  bookingQueryValidator
} from './bookings.schema'
import type { Booking } from './bookings.schema'
import { BookingService, getOptions } from './bookings.class'
import { bookingMethods, bookingPath } from './bookings.shared'

export * from './bookings.class'
export * from './bookings.schema'

/** The booking's channel follows its people and status: say when they change. */
const announceBookingChange = announceEach('contexts.booking.changed', (booking: Booking, context) => ({
  booking_id: booking.id,
  actor_id: actorOf(context)
}))

export const booking = (app: Application) => {
  app.use(bookingPath, new BookingService(getOptions(app)), { methods: bookingMethods, events: [] })
  app.service(bookingPath).hooks({
    around: {
      all: [authenticateCaller, requireAdmin]
    },
    before: {
      all: [schemaHooks.validateQuery(bookingQueryValidator), schemaHooks.resolveQuery(bookingQueryResolver)],
      create: [schemaHooks.validateData(bookingDataValidator)],
      patch: [schemaHooks.validateData(bookingPatchValidator)]
    },
    after: {
      create: [announceBookingChange],
      patch: [announceBookingChange]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [bookingPath]: BookingService
  }
}
