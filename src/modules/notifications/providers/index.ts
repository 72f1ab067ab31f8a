import type { ApplicationConfiguration } from '../../../configuration'
import { logger } from '../../../operations/logger'
import { createFcmProvider } from './fcm'
import { createLogPushProvider, createLogSmsProvider } from './log'
import type { PushProvider, SmsProvider } from './provider'
import { createTwilioProvider } from './twilio'

export type ProviderSettings = Pick<ApplicationConfiguration, 'twilio' | 'firebase'>

export interface Providers {
  sms: SmsProvider
  push: PushProvider
  close(): Promise<void>
}

/** Real vendors where they are configured, the log providers everywhere else. */
export function createProviders({ twilio, firebase }: ProviderSettings): Providers {
  const { accountSid, authToken, from } = twilio
  const sms = accountSid && authToken && from ? createTwilioProvider({ accountSid, authToken, from }) : createLogSmsProvider()
  const fcm = firebase.serviceAccount ? createFcmProvider({ serviceAccountPath: firebase.serviceAccount }) : undefined
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
