/** What a provider says when a delivery did not go through. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** retrying cannot help (invalid number, unregistered token, bad request) */
    readonly permanent: boolean,
    /** the push token is no longer valid and should be forgotten */
    readonly unregistered = false
  ) {
    super(message)
  }
}

export interface SmsProvider {
  readonly name: 'twilio' | 'log'
  /** Sends one SMS; resolves with the provider's message id, rejects with a DeliveryError. */
  send(to: string, body: string): Promise<string>
}

export interface PushNotification {
  title: string
  body: string
  /** string values only, as FCM requires */
  data: Record<string, string>
}

export interface PushProvider {
  readonly name: 'fcm' | 'log'
  /** Sends to one device token; resolves with the provider's message id, rejects with a DeliveryError. */
  send(token: string, notification: PushNotification): Promise<string>
}
