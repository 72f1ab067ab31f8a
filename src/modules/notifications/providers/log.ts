import { logger } from '../../../logging/logger'
import type { PushNotification, PushProvider, SmsProvider } from './provider'

export interface LogSmsProvider extends SmsProvider {
  readonly sent: { id: string; to: string; body: string }[]
}

export interface LogPushProvider extends PushProvider {
  readonly sent: { id: string; token: string; notification: PushNotification }[]
}

/** Stands in for Twilio when it is not configured: nothing leaves the process, deliveries are logged and kept. */
export function createLogSmsProvider(): LogSmsProvider {
  const sent: LogSmsProvider['sent'] = []
  return {
    name: 'log',
    sent,
    async send(to, body) {
      const id = `log-${sent.length + 1}`
      sent.push({ id, to, body })
      logger.info('sms (log provider)', { id, to, body })
      return id
    }
  }
}

/** Stands in for FCM when it is not configured: nothing leaves the process, deliveries are logged and kept. */
export function createLogPushProvider(): LogPushProvider {
  const sent: LogPushProvider['sent'] = []
  return {
    name: 'log',
    sent,
    async send(token, notification) {
      const id = `log-${sent.length + 1}`
      sent.push({ id, token, notification })
      logger.info('push (log provider)', { id, token, ...notification })
      return id
    }
  }
}
