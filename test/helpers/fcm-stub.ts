import { execFileSync } from 'child_process'
import crypto from 'crypto'
import fs from 'fs'
import https from 'https'
import os from 'os'
import path from 'path'
import type { Duplex } from 'stream'
import type { FcmCredential } from '../../src/modules/notifications/providers/fcm'
import { listen, readBody, reply, stop } from './loopback-server'

/*
 * A loopback stand-in for fcm.googleapis.com, over HTTPS with a throwaway certificate, answering like
 * POST /v1/projects/{project}/messages:send. The real SDK builds and sends its requests and parses the
 * answers; only the socket's destination changes, and nothing is allowed past 127.0.0.1.
 */

const FCM_HOST = 'fcm.googleapis.com'

type FcmFailure = 400 | 404 | 429 | 500 | 503

interface FcmRequest {
  method?: string
  path?: string
  authorization?: string
  body: {
    message?: {
      token?: string
      notification?: { title?: string; body?: string }
      data?: Record<string, string>
    }
  }
}

// FCM v1 error bodies: google.rpc.Status with a google.firebase.fcm.v1.FcmError detail, which firebase-admin maps
const fcmError = (code: number, status: string, message: string, errorCode: string) => ({
  error: {
    code,
    message,
    status,
    details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }]
  }
})

const fcmFailures: Record<FcmFailure, ReturnType<typeof fcmError>> = {
  400: fcmError(
    400,
    'INVALID_ARGUMENT',
    'The registration token is not a valid FCM registration token',
    'INVALID_ARGUMENT'
  ),
  404: fcmError(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED'),
  429: fcmError(
    429,
    'RESOURCE_EXHAUSTED',
    "Quota exceeded for quota metric 'Send requests'.",
    'QUOTA_EXCEEDED'
  ),
  500: fcmError(500, 'INTERNAL', 'Internal error encountered.', 'INTERNAL'),
  503: fcmError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'UNAVAILABLE')
}

/** A self-signed certificate for `host`, made by the openssl command line (node cannot issue certificates). */
function testCertificate(host: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcm-stub-'))
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')]
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1'
      ].concat([
        '-subj',
        `/CN=${host}`,
        '-addext',
        `subjectAltName=DNS:${host}`,
        '-keyout',
        key,
        '-out',
        cert
      ]),
      { stdio: 'ignore' }
    )
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Connects every request for `host` to the loopback port, verifying TLS against the test certificate; refuses other hosts. */
class LoopbackAgent extends https.Agent {
  constructor(
    private readonly host: string,
    private readonly port: number,
    ca: Buffer
  ) {
    super({ ca })
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void
  ) {
    if (options.host !== this.host)
      throw new Error(`test agent refuses ${options.host}: only ${this.host} is stubbed`)
    // servername keeps SNI and certificate checks on the real host name
    return super.createConnection(
      { ...options, host: '127.0.0.1', port: this.port, servername: this.host },
      callback
    )
  }
}

// Stands in for a service account: firebase-admin asks it for a token instead of calling Google's OAuth endpoint
const testCredential: FcmCredential = {
  getAccessToken: async () => ({ access_token: 'test-token', expires_in: 3600 })
}

export async function startFcmStub() {
  const requests: FcmRequest[] = []
  const failures: FcmFailure[] = []
  const { key, cert } = testCertificate(FCM_HOST)
  const server = https.createServer({ key, cert }, async (req, res) => {
    const text = await readBody(req)
    requests.push({
      method: req.method,
      path: req.url,
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : {}
    })
    const match = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(req.url ?? '')
    if (req.method !== 'POST' || !match)
      return reply(res, 404, fcmError(404, 'NOT_FOUND', `${req.url} not found`, 'UNSPECIFIED_ERROR'))
    const failure = failures.shift()
    if (failure) return reply(res, failure, fcmFailures[failure])
    reply(res, 200, {
      name: `projects/${match[1]}/messages/0:${Date.now()}%${crypto.randomBytes(8).toString('hex')}`
    })
  })
  const agent = new LoopbackAgent(FCM_HOST, await listen(server), cert)
  return {
    requests,
    agent,
    credential: testCredential,
    /** the next requests get these answers, in order; later ones succeed */
    failNext: (...answers: FcmFailure[]) => failures.push(...answers),
    reset: () => {
      requests.length = 0
      failures.length = 0
    },
    close: async () => {
      agent.destroy()
      await stop(server)
    }
  }
}

export type FcmStub = Awaited<ReturnType<typeof startFcmStub>>

/** A service account file with a fresh RSA key, as createProviders expects in FIREBASE_SERVICE_ACCOUNT. */
export function writeServiceAccount(projectId: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-account-'))
  const file = path.join(dir, 'service-account.json')
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const clientEmail = `notifications@${projectId}.iam.gserviceaccount.com`
  const account = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: crypto.randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    client_email: clientEmail,
    client_id: '100000000000000000000',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token'
  }
  fs.writeFileSync(file, JSON.stringify(account))
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
