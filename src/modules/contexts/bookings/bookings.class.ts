import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../../declarations'
import type { Booking, BookingData, BookingPatch, BookingQuery } from './bookings.schema'

export type { Booking, BookingData, BookingPatch, BookingQuery }

export interface BookingParams extends KnexAdapterParams<BookingQuery> {}

export class BookingService<ServiceParams extends BookingParams = BookingParams> extends KnexService<
  Booking,
  BookingData,
  ServiceParams,
  BookingPatch
> {}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'bookings'
})
