import type { TestServer } from './app'
import { startTwilioStub } from './twilio-stub'
import type { TwilioStub } from './twilio-stub'
import { notificationsOf } from '../../src/modules/notifications'
import { createTwilioProvider } from '../../src/modules/notifications/providers/twilio'

/** A number no other test uses (tests share the database and the SMS budgets per number). */
export const randomPhone = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`

/** The SMS the Twilio stub received for `phone`, and the code in the newest of them. */
export const smsTo = (twilio: TwilioStub, phone: string) =>
  twilio.requests.filter((request) => request.form.To === phone).map((request) => request.form.Body)
export const codeSentTo = (twilio: TwilioStub, phone: string) =>
  /code: (\d{6})/.exec(smsTo(twilio, phone).at(-1) ?? '')?.[1]
export const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

/** The apps' SMS go out through the Twilio SDK, to one loopback stand-in for its API. */
export function useTwilio(...servers: TestServer[]) {
  const stub = { current: undefined as TwilioStub | undefined }
  before(async () => {
    stub.current = await startTwilioStub()
    for (const server of servers) {
      notificationsOf(server.app).providers.sms = createTwilioProvider(
        { accountSid: `AC${'0'.repeat(31)}3`, authToken: 'test-auth-token', from: '+15005550006' },
        { httpClient: stub.current.httpClient() }
      )
    }
  })
  after(async () => {
    await stub.current?.close()
  })
  return () => stub.current!
}
