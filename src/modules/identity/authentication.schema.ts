import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { userSchema } from './users/users.schema'

/** A password login, or a token from an earlier one. */
export const authenticationRequestSchema = Type.Union(
  [
    Type.Object(
      { strategy: Type.Literal('local'), email: Type.String(), password: Type.String() },
      { additionalProperties: false }
    ),
    Type.Object(
      { strategy: Type.Literal('jwt'), accessToken: Type.String() },
      { additionalProperties: false }
    )
  ],
  { $id: 'AuthenticationRequest' }
)
export type AuthenticationRequest = Static<typeof authenticationRequestSchema>

/** What an access token says: whose it is (`sub`, the user id as a string) and until when. */
export const accessTokenPayloadSchema = Type.Object(
  {
    sub: Type.String(),
    aud: Type.String(),
    iat: Type.Integer(),
    exp: Type.Integer(),
    jti: Type.String(),
    // The user's session version it was issued under: a password or role change ends it
    token_version: Type.Integer({ minimum: 0 })
  },
  { $id: 'AccessTokenPayload', additionalProperties: false }
)
export type AccessTokenPayload = Static<typeof accessTokenPayloadSchema>

/** The signed-in person's own record: everything of it but the password hash. */
export const signedInUserSchema = Type.Omit(userSchema, ['password'], {
  $id: 'SignedInUser',
  additionalProperties: false
})
export type SignedInUser = Static<typeof signedInUserSchema>

/** What `POST /authentication` (and the client's authenticate and reAuthenticate) answers. */
export const authenticationResultSchema = Type.Object(
  {
    accessToken: Type.String(),
    authentication: Type.Object(
      {
        strategy: Type.Union([Type.Literal('local'), Type.Literal('jwt')]),
        // Present when the token itself was the login (strategy jwt)
        accessToken: Type.Optional(Type.String()),
        payload: accessTokenPayloadSchema
      },
      { additionalProperties: false }
    ),
    user: signedInUserSchema
  },
  { $id: 'AuthenticationResult', additionalProperties: false }
)
export type AuthenticationResult = Static<typeof authenticationResultSchema>
