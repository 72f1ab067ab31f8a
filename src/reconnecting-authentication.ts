import { AuthenticationClient } from '@feathersjs/authentication-client'
import type { Socket } from 'socket.io-client'

const FIRST_RETRY_MS = 1000
const LAST_RETRY_MS = 10_000

/** Refusals that end a session (expired, revoked, disabled); anything else is worth another try. */
const endsTheSession = (error: any) =>
  error?.code >= 400 && error?.code < 500 && error?.code !== 408 && error?.code !== 429

/**
 * The Feathers authentication client, re-authenticating on the socket's new connection
 * until the server answers. Feathers sends one re-authentication as the socket drops; if
 * that one call fails for any reason but a refusal (no answer within the app's
 * `ackTimeout` while the server restarts, a 503 while it drains), the client stays signed
 * out on its new connection, its token still stored, and every later call fails with that
 * error until a reload. Here calls made meanwhile wait for the re-authentication, which is
 * tried again (with backoff, on whatever connection is up) until it succeeds or the
 * server refuses the token.
 */
export class ReconnectingAuthentication extends AuthenticationClient {
  handleSocket(socket: Socket) {
    socket.on('disconnect', (reason) => {
      if (!this.authenticated || reason === 'io client disconnect') return
      // The server ended the session on purpose (a disabled account, ended sessions): it is not coming back
      if (reason === 'io server disconnect') return void this.reset()
      this.reauthenticateWhenBack(socket)
    })
  }

  private reauthenticateWhenBack(socket: Socket) {
    const outcome: { settled?: Promise<unknown> } = {}
    outcome.settled = (async () => {
      // Let `settled` be assigned before the first attempt replaces it in the app
      await Promise.resolve()
      for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, LAST_RETRY_MS)) {
        if (!socket.connected) await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
        const attempt = this.reAuthenticate(true)
        // Calls made meanwhile wait for the outcome of all attempts, not this one
        this.app.set('authentication', outcome.settled)
        try {
          return await attempt
        } catch (error) {
          if (endsTheSession(error)) throw error
          await new Promise((resolve) => setTimeout(resolve, wait))
        }
      }
    })()
    // A refused token fails the calls that wait on it (401); unheard, it is no crash
    outcome.settled.catch(() => undefined)
    this.app.set('authentication', outcome.settled)
  }
}
