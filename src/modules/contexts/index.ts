import type { Application } from '../../declarations'
import { booking } from './bookings/bookings'
import { dispute } from './disputes/disputes'

export const contexts = (app: Application) => {
  app.configure(booking)
  app.configure(dispute)
}
