import type { Application } from '../../declarations'
import { beforeTeardown } from '../../process/teardown'
import { announceEverywhere } from '../../redis/announce-everywhere'
import { deviceToken } from './services/device-tokens/device-tokens'
import { notification } from './services/notifications/notifications'
import { createProviders } from './providers'
import type { Providers } from './providers'
import { DeliveryPlanner } from './planner'
import { NotificationScheduler } from './scheduler'
import { backlogGauges, deliveryCounter } from './metrics'

/** The notifications module as running in one app: tests reach it to drive the clock and the worker. */
export interface NotificationsModule {
  planner: DeliveryPlanner
  scheduler: NotificationScheduler
  /** the scheduler's providers, as configured (tests may put SDK clients aimed at stubs here) */
  providers: Providers
  /** what the module takes as "now"; replaceable so that tests control time */
  clock: { now: () => Date }
}

const modules = new WeakMap<Application, NotificationsModule>()

export const notificationsOf = (app: Application) => modules.get(app)!

/**
 * Listens for `chat.message.created` and delivers SMS and push to recipients who did
 * not see the message in time. Only events connect it to messaging.
 */
export const notifications = (app: Application) => {
  app.configure(deviceToken)
  app.configure(notification)

  const providers = createProviders({ twilio: app.get('twilio'), firebase: app.get('firebase') })
  const clock = { now: () => new Date() }
  const now = () => clock.now()
  const planner = new DeliveryPlanner(app, { sms: providers.sms.name, push: providers.push.name }, now)
  const scheduler = new NotificationScheduler(app, providers, now)
  backlogGauges(app, now)
  // Named on /metrics before the first delivery, so alerts and dashboards find the series
  deliveryCounter(app)
  modules.set(app, { planner, scheduler, clock, providers })

  app.get('events').on('chat.message.created', (event) => planner.enqueue(event))
  // The code that proves a phone number is its owner's goes out at once, outside the planner's
  // rules; identity counted it against the number's SMS cap before it made the code
  app.get('events').on('identity.phone.confirmation_requested', async ({ phone, code, minutes }) => {
    await providers.sms.send(phone, `Your confirmation code: ${code}. It expires in ${minutes} minutes.`)
  })
  // A new device is pushed to from the next message on, whichever instance plans it
  const devicesChanged = announceEverywhere(app, 'notifications.devices.changed')
  app
    .service('device-tokens')
    .on('created', (token: { user_id: number }) => devicesChanged({ user_id: token.user_id }))
  app.hooks({
    setup: [
      async (_context: unknown, next: () => Promise<void>) => {
        await next()
        scheduler.start()
      }
    ]
  })
  beforeTeardown(app, async () => {
    await scheduler.stop()
    await planner.settled()
    await providers.close()
  })
}
