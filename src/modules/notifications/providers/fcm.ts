import type { Agent } from 'http'
import { cert, deleteApp, initializeApp } from 'firebase-admin/app'
import type { Credential } from 'firebase-admin/app'
import { getMessaging } from 'firebase-admin/messaging'
import { DeliveryError } from './provider'
import type { PushProvider } from './provider'

// Re-exported so tests can build a fixed-token credential without importing 'firebase-admin' themselves
export type FcmCredential = Credential

export type FcmSettings = { serviceAccountPath: string } | { credential: FcmCredential; projectId: string }

export interface FcmProvider extends PushProvider {
  /** Deletes the provider's firebase app (and its connections and cached token). */
  close(): Promise<void>
}

// firebase-admin keeps apps in a process-wide registry by name, so every provider gets its own
let instances = 0

/** Sends push notifications through FCM's HTTP v1 API with firebase-admin. */
export function createFcmProvider(
  settings: FcmSettings,
  { httpAgent }: { httpAgent?: Agent } = {}
): FcmProvider {
  const app = initializeApp(
    'serviceAccountPath' in settings
      ? // cert() reads and checks the file now, so a bad path fails at startup; its token requests use the same agent
        { credential: cert(settings.serviceAccountPath, httpAgent), httpAgent }
      : { credential: settings.credential, projectId: settings.projectId, httpAgent },
    `notifications-fcm-${++instances}`
  )
  const messaging = getMessaging(app)
  return {
    name: 'fcm',
    async send(token, { title, body, data }) {
      try {
        // send() goes over HTTP/1.1 through httpAgent; sendEach() would open its own HTTP/2 session
        return await messaging.send({ token, notification: { title, body }, data })
      } catch (error) {
        throw toDeliveryError(error)
      }
    },
    close: () => deleteApp(app)
  }
}

// Client error codes firebase-admin derives from FCM's answer (or its own validation) that no retry can fix
const PERMANENT = new Set(
  [
    'invalid-argument',
    'invalid-recipient',
    'invalid-payload',
    'invalid-data-payload-key',
    'payload-size-limit-exceeded',
    'invalid-options',
    'invalid-registration-token',
    'invalid-package-name',
    'mismatched-credential',
    'third-party-auth-error',
    'authentication-error'
  ].map((code) => `messaging/${code}`)
)

function toDeliveryError(error: unknown): DeliveryError {
  const { code, message } = error as { code?: unknown; message?: unknown }
  const detail = `fcm ${String(code)}: ${String(message)}`
  // FCM's 404 UNREGISTERED: the app was uninstalled or the token expired, so the token should be forgotten
  if (code === 'messaging/registration-token-not-registered') return new DeliveryError(detail, true, true)
  // Everything else (internal-error, server-unavailable, message-rate-exceeded, app/network-error, ...) may pass later
  return new DeliveryError(detail, typeof code === 'string' && PERMANENT.has(code))
}
