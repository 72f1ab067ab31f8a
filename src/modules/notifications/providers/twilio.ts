import twilio from 'twilio'
import { DeliveryError } from './provider'
import type { SmsProvider } from './provider'

export interface TwilioSettings {
  accountSid: string
  authToken: string
  from: string
}

// The SDK's HTTP client, re-exported so tests can point it at a loopback stub without importing 'twilio' themselves
export type TwilioRequestClient = twilio.RequestClient
export const TwilioRequestClient = twilio.RequestClient

/** Sends SMS through Twilio's Messages API with the official SDK. */
export function createTwilioProvider(
  { accountSid, authToken, from }: TwilioSettings,
  { httpClient }: { httpClient?: TwilioRequestClient } = {}
): SmsProvider {
  // autoRetry stays off: the notifications module owns retries and their backoff
  const client = twilio(accountSid, authToken, { httpClient })
  return {
    name: 'twilio',
    async send(to, body) {
      try {
        const message = await client.messages.create({ to, from, body })
        return message.sid
      } catch (error) {
        throw toDeliveryError(error)
      }
    }
  }
}

function toDeliveryError(error: unknown): DeliveryError {
  const { status, code, message, isAxiosError } = error as {
    status?: unknown
    code?: unknown
    message?: unknown
    isAxiosError?: unknown
  }
  // Twilio answered: 429 and 5xx may pass, any other 4xx (e.g. 21211 invalid 'To' number, 20003 bad credentials) will not
  if (typeof status === 'number') {
    const detail = `twilio ${status}${typeof code === 'number' ? ` (${code})` : ''}: ${String(message)}`
    return new DeliveryError(detail, status < 500 && status !== 429)
  }
  // No answer (refused, reset, timed out): the next attempt may get through
  if (isAxiosError === true) return new DeliveryError(`twilio unreachable: ${String(message)}`, false)
  // The SDK rejected the input before sending anything, so sending it again cannot help
  return new DeliveryError(`twilio: ${String(message ?? error)}`, true)
}
