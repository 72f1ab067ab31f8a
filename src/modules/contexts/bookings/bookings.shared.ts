import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../client'
import type { Booking, BookingData, BookingPatch, BookingQuery, BookingService } from './bookings.class'

export type { Booking, BookingData, BookingPatch, BookingQuery }

export type BookingClientService = Pick<BookingService<Params<BookingQuery>>, (typeof bookingMethods)[number]>

export const bookingPath = 'bookings'

export const bookingMethods: Array<keyof BookingService> = ['find', 'get', 'create', 'patch']

export const bookingClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(bookingPath, connection.service(bookingPath), { methods: bookingMethods })
}

declare module '../../../client' {
  interface ServiceTypes {
    [bookingPath]: BookingClientService
  }
}
