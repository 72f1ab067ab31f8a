import crypto from 'crypto'
import http from 'http'
import { TwilioRequestClient } from '../../src/modules/notifications/providers/twilio'
import { listen, readBody, reply, stop } from './loopback-server'

/*
 * A loopback stand-in for api.twilio.com, over plain HTTP, answering like
 * POST /2010-04-01/Accounts/{sid}/Messages.json. The real SDK builds and sends its requests and
 * parses the answers; only the socket's destination changes, and nothing is allowed past 127.0.0.1.
 */

type TwilioFailure = 400 | 429 | 500

interface TwilioRequest {
  method?: string
  path?: string
  form: Record<string, string>
  authorization?: string
}

// Twilio's error bodies: {code, message, more_info, status}
const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status
})

const twilioFailures: Record<TwilioFailure, (to: string) => ReturnType<typeof twilioError>> = {
  400: (to) => twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  429: () => twilioError(429, 20429, 'Too Many Requests'),
  500: () => twilioError(500, 20500, 'Internal Server Error')
}

function twilioMessage(accountSid: string, { To, From, Body }: Record<string, string>) {
  const sid = `SM${crypto.randomBytes(16).toString('hex')}`
  const now = new Date().toUTCString().replace('GMT', '+0000')
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: Body,
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: From,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: { media: uri.replace('.json', '/Media.json') },
    to: To,
    uri
  }
}

/** The SDK's own RequestClient (axios, auth, form encoding, response handling), sent to `baseUrl` instead of Twilio. */
function twilioClientFor(baseUrl: string) {
  // a stub that hangs fails the test in 5 s rather than at the SDK's 30 s default
  const client = new TwilioRequestClient({ timeout: 5_000 })
  client.axios.interceptors.request.use((config) => {
    const target = new URL(config.url ?? '')
    if (target.hostname !== 'api.twilio.com')
      throw new Error(`test client refuses ${target.host}: only api.twilio.com is stubbed`)
    config.url = `${baseUrl}${target.pathname}${target.search}`
    return config
  })
  return client
}

export async function startTwilioStub() {
  const requests: TwilioRequest[] = []
  const failures: TwilioFailure[] = []
  const server = http.createServer(async (req, res) => {
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)))
    requests.push({ method: req.method, path: req.url, form, authorization: req.headers.authorization })
    const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(req.url ?? '')
    if (req.method !== 'POST' || !match)
      return reply(res, 404, twilioError(404, 20404, `The requested resource ${req.url} was not found`))
    // Basic auth's user must be the account in the path, as on the real API
    const user = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':')[0]
    if (user !== match[1]) return reply(res, 401, twilioError(401, 20003, 'Authenticate'))
    const failure = failures.shift()
    if (failure) return reply(res, failure, twilioFailures[failure](form.To))
    reply(res, 201, twilioMessage(match[1], form))
  })
  const url = `http://127.0.0.1:${await listen(server)}`
  return {
    requests,
    /** the next requests get these answers, in order; later ones succeed */
    failNext: (...answers: TwilioFailure[]) => failures.push(...answers),
    reset: () => {
      requests.length = 0
      failures.length = 0
    },
    httpClient: () => twilioClientFor(url),
    close: () => stop(server)
  }
}

export type TwilioStub = Awaited<ReturnType<typeof startTwilioStub>>
