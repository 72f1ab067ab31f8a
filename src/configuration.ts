import { Type, getValidator, defaultAppConfiguration } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator } from './validators'
import { bookingStatuses, disputeStatuses } from './context-statuses'

const nullableString = () => Type.Union([Type.String(), Type.Null()])
const guardPolicy = Type.Union(['off', 'flag', 'mask', 'block'].map((policy) => Type.Literal(policy)))
const statusPolicies = (statuses: readonly string[]) =>
  Type.Object(Object.fromEntries(statuses.map((status) => [status, Type.Optional(guardPolicy)])), {
    additionalProperties: false
  })

export const configurationSchema = Type.Intersect([
  defaultAppConfiguration,
  Type.Object({
    host: Type.String(),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    // the folder `npm run build:web` writes the chat page into
    public: Type.String(),
    database: Type.Object({
      url: nullableString(),
      dataDir: Type.String(),
      pool: Type.Object({ min: Type.Number(), max: Type.Number() })
    }),
    redis: Type.Object({
      url: nullableString(),
      keyPrefix: Type.String(),
      // host:port seeds of a Redis Cluster, comma-separated or an array (instead of url)
      cluster_nodes: Type.Union([Type.String(), Type.Array(Type.String()), Type.Null()]),
      // how instances share rooms: see src/socketio/redis-adapter.ts
      adapter: Type.Union([Type.Literal('classic'), Type.Literal('sharded')])
    }),
    // `*`, or the origins allowed to call from a browser: comma-separated or an array
    cors: Type.Object({ origins: Type.Union([Type.String(), Type.Array(Type.String())]) }),
    connections: Type.Object({
      per_ip_per_minute: Type.Number({ minimum: 1 }),
      trust_proxy: Type.Boolean(),
      max_buffered_packets: Type.Number({ minimum: 1 }),
      max_delivery_lag_ms: Type.Number({ minimum: 100 }),
      // Socket.io connections open at once on one instance; defaults in socketio/open-connections.ts
      max_per_user: Type.Optional(Type.Integer({ minimum: 1 })),
      max_per_address: Type.Optional(Type.Integer({ minimum: 1 })),
      // Optional so that settings written before it keep working; the default is in src/socketio/packet-budget.ts
      packets_per_10_seconds: Type.Optional(Type.Integer({ minimum: 1 })),
      // Connections one instance is sized for, reported for the alert near it; the default is in src/metrics/connections.ts
      capacity: Type.Optional(Type.Integer({ minimum: 1 }))
    }),
    limits: Type.Object({
      messages_per_minute: Type.Number({ minimum: 1 }),
      calls_per_minute: Type.Number({ minimum: 1 }),
      calls_in_flight: Type.Integer({ minimum: 1 }),
      device_tokens_per_user: Type.Integer({ minimum: 1 }),
      // requests per address and minute for the page, its assets, the docs and /metrics
      static_requests_per_minute: Type.Optional(Type.Integer({ minimum: 1 }))
    }),
    logins: Type.Object({
      failures_per_account: Type.Integer({ minimum: 1 }),
      failures_per_address: Type.Integer({ minimum: 1 }),
      window_seconds: Type.Integer({ minimum: 1 })
    }),
    // see src/modules/messaging/live/seq-order.ts
    realtime: Type.Object({
      reorder_window_ms: Type.Number({ minimum: 0 }),
      reorder_max_held: Type.Integer({ minimum: 1 }),
      reorder_max_channels: Type.Integer({ minimum: 1 })
    }),
    presence: Type.Object({
      expiry_seconds: Type.Number({ minimum: 1 }),
      typing_seconds: Type.Number({ minimum: 1 }),
      typing_throttle_ms: Type.Number({ minimum: 0 })
    }),
    // how long a request's headers, and the whole request, may take to arrive (then 408)
    http: Type.Optional(
      Type.Object({
        request_timeout_seconds: Type.Optional(Type.Number({ minimum: 1 })),
        headers_timeout_seconds: Type.Optional(Type.Number({ minimum: 1 }))
      })
    ),
    // SIGTERM: /ready fails for drain_seconds first (a balancer must notice), then calls
    // under way get grace_seconds to finish before the connections close
    shutdown: Type.Object({
      drain_seconds: Type.Number({ minimum: 0 }),
      grace_seconds: Type.Number({ minimum: 0 })
    }),
    bootstrapAdmin: Type.Object({ email: nullableString(), password: nullableString() }),
    notifications: Type.Object({
      delay_seconds: Type.Number({ minimum: 0 }),
      coalesce_seconds: Type.Number({ minimum: 0 }),
      max_attempts: Type.Integer({ minimum: 1 }),
      retry_base_seconds: Type.Number({ minimum: 0 }),
      // 0 stops the worker loop (tests drive it by hand)
      poll_ms: Type.Number({ minimum: 0 }),
      claim_seconds: Type.Number({ minimum: 1 }),
      // Optional so that settings written before it keep working; the default is in src/limits/sms-cap.ts
      sms_per_number_per_hour: Type.Optional(Type.Integer({ minimum: 1 }))
    }),
    twilio: Type.Object({
      accountSid: nullableString(),
      authToken: nullableString(),
      from: nullableString()
    }),
    firebase: Type.Object({ serviceAccount: nullableString() }),
    // the path of the Ed25519 private key (PEM) that signs transcripts and checkpoints; none: unsigned
    evidence: Type.Object({
      signing_key: nullableString(),
      // how often channels with new entries get a scheduled checkpoint; 0: never
      checkpoint_minutes: Type.Optional(Type.Number({ minimum: 0 })),
      // an RFC 3161 time-stamp authority (http:// or https://) for checkpoints; none: no trusted time
      tsa_url: Type.Optional(Type.Union([Type.String({ pattern: '^https?://' }), Type.Null()])),
      tsa_timeout_seconds: Type.Optional(Type.Number({ minimum: 1 })),
      tsa_retry_seconds: Type.Optional(Type.Number({ minimum: 1 }))
    }),
    // the contact-details guard: see src/modules/messaging/contact-guard/policy.ts for its defaults
    contact_guard: Type.Optional(
      Type.Object(
        {
          regions: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { minItems: 1 })),
          policies: Type.Optional(
            Type.Object(
              {
                booking: Type.Optional(statusPolicies(bookingStatuses)),
                dispute: Type.Optional(statusPolicies(disputeStatuses))
              },
              { additionalProperties: false }
            )
          )
        },
        { additionalProperties: false }
      )
    ),
    // Swagger UI at /docs; unset: on outside production, off in production
    docs: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()) })),
    // one line per HTTP request and per Socket.io call at info (see README, Operating it)
    logging: Type.Object({ access: Type.Boolean() }),
    // the bearer token /metrics asks for; unset: open outside production, 404 in production
    metrics: Type.Optional(Type.Object({ token: Type.Optional(nullableString()) }))
  })
])

export type ApplicationConfiguration = Static<typeof configurationSchema>

export const configurationValidator = getValidator(configurationSchema, dataValidator)

/** A setting the process cannot run with: start-up says what is wrong, without a stack. */
export class ConfigurationError extends Error {}
