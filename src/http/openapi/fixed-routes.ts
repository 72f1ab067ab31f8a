import { errorResponses, json } from './parts'
import type { Json } from './parts'

// The same account every example in the schemas speaks as (see the examples test)
const LOGIN_EXAMPLE = { strategy: 'local', email: 'ana@example.com', password: 'correct horse battery' }

const authenticationResult = (description: string) => ({
  description,
  ...json({
    type: 'object',
    description: 'A session',
    required: ['accessToken', 'user'],
    properties: {
      accessToken: {
        type: 'string',
        description: 'The JWT to send as `Authorization: Bearer <token>` (or to authenticate a socket)'
      },
      authentication: {
        type: 'object',
        description: 'How the session was authenticated: the strategy and the token’s payload'
      },
      user: { $ref: '#/components/schemas/User', description: 'The person logged in' }
    }
  })
})

/** Login and logout, which are the authentication service, and the operational routes. */
export const fixedRoutes = (): Json => ({
  '/authentication': {
    post: {
      tags: ['authentication'],
      operationId: 'create-authentication',
      summary: 'Log in',
      description:
        'With email and password (`local`), or with a token still valid (`jwt`) to get a fresh one. Failed logins are counted per account and per address (`logins.failures_per_account`, `logins.failures_per_address` in `logins.window_seconds`): beyond them the answer is 429 until the window ends.',
      requestBody: {
        required: true,
        description: 'The credentials',
        content: {
          'application/json': {
            schema: {
              oneOf: [
                {
                  type: 'object',
                  title: 'Email and password',
                  required: ['strategy', 'email', 'password'],
                  additionalProperties: false,
                  properties: {
                    strategy: { const: 'local', description: 'Log in with email and password' },
                    email: {
                      type: 'string',
                      description: 'The account’s email',
                      examples: [LOGIN_EXAMPLE.email]
                    },
                    password: {
                      type: 'string',
                      description: 'Its password',
                      examples: [LOGIN_EXAMPLE.password]
                    }
                  }
                },
                {
                  type: 'object',
                  title: 'A token',
                  required: ['strategy', 'accessToken'],
                  additionalProperties: false,
                  properties: {
                    strategy: { const: 'jwt', description: 'Log in with a token still valid' },
                    accessToken: { type: 'string', description: 'The token' }
                  }
                }
              ]
            },
            examples: { local: { summary: 'Email and password', value: LOGIN_EXAMPLE } }
          }
        }
      },
      responses: {
        '201': authenticationResult('A token and the person'),
        ...errorResponses(['400', '401', '429'])
      }
    },
    delete: {
      tags: ['authentication'],
      operationId: 'remove-authentication',
      summary: 'Log out',
      description:
        'Ends the session of the token sent. A token is a signed JWT, not a server-side session: it stays valid until it expires, unless the password or role changes or the account is disabled; over Socket.io, logging out also leaves every channel room at once. Without a valid token: 401.',
      security: [{ bearer: [] }],
      responses: {
        '200': authenticationResult('The session that ended'),
        ...errorResponses(['401', '429'])
      }
    }
  },
  '/health': {
    get: {
      tags: ['operations'],
      operationId: 'health',
      summary: 'Liveness',
      description: 'The process runs. Outside every budget: load balancers probe it.',
      responses: { '200': { description: 'The process runs' } }
    }
  },
  '/ready': {
    get: {
      tags: ['operations'],
      operationId: 'ready',
      summary: 'Readiness',
      description: 'Whether the database and Redis answer. Outside every budget: load balancers probe it.',
      responses: { '200': { description: 'Database and Redis answer' }, ...errorResponses(['503']) }
    }
  },
  '/metrics': {
    get: {
      tags: ['operations'],
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description:
        'Behind `metrics.token` when it is set (a bearer token); in production without a token it is not served (404). Spends the address’s static budget (429 beyond it).',
      responses: {
        '200': { description: 'Prometheus text', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...errorResponses(['401', '404', '429'])
      }
    }
  }
})
