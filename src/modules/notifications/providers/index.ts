import type { ApplicationConfiguration } from '../../../configuration'
import { logger } from '../../../logging/logger'
import { createLogPushProvider, createLogSmsProvider } from './log'
import type { PushProvider, SmsProvider } from './provider'

export type ProviderSettings = Pick<ApplicationConfiguration, 'twilio' | 'firebase'>

export interface Providers {
  sms: SmsProvider
  push: PushProvider
  close(): Promise<void>
}

// The vendors' SDKs are loaded only where they are configured: loading both took a
// large share of every start, for a server that may use neither
const twilioAdapter = () => require('./twilio') as typeof import('./twilio')
const fcmAdapter = () => require('./fcm') as typeof import('./fcm')

/** Real vendors where they are configured, the log providers everywhere else. */
export function createProviders({ twilio, firebase }: ProviderSettings): Providers {
  const { accountSid, authToken, from } = twilio
  const sms =
    accountSid && authToken && from
      ? twilioAdapter().createTwilioProvider({ accountSid, authToken, from })
      : createLogSmsProvider()
  const fcm = firebase.serviceAccount
    ? fcmAdapter().createFcmProvider({ serviceAccountPath: firebase.serviceAccount })
    : undefined
  const push = fcm ?? createLogPushProvider()
  logger.info('notification providers', { sms: sms.name, push: push.name })
  return {
    sms,
    push,
    close: async () => {
      await fcm?.close()
    }
  }
}
