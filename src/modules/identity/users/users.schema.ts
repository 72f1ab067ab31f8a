import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { passwordHash } from '@feathersjs/authentication-local'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { isAdminOrInternal } from '../../../hooks/require-admin'
import type { UserService } from './users.class'
import { Id, Nullable, Timestamp, documented } from '../../../schema-types'

const quietHour = Nullable(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }))
const quietHoursStart = documented(
  quietHour,
  'Start of the daily window without SMS or push, `HH:MM` in one’s timezone (null: none); the window may cross midnight',
  ['22:00']
)
const quietHoursEnd = documented(quietHour, 'End of the quiet window, `HH:MM` in one’s timezone', ['07:00'])
const newPassword = Type.String({
  minLength: 8,
  maxLength: 200,
  description: 'A password of 8 to 200 characters; stored as a hash, never shown',
  examples: ['correct horse battery']
})

export const userSchema = Type.Object(
  {
    id: documented(Id, 'The person’s id', [11]),
    email: Type.String({
      format: 'email',
      maxLength: 254,
      description: 'Login address, stored in lower case; seen by its owner and admins only',
      examples: ['ana@example.com']
    }),
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Name shown in chats (1 to 200 characters)',
      examples: ['Ana Silva']
    }),
    phone: documented(
      Nullable(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })),
      'Number for SMS in E.164 form (`+` and 7 to 15 digits); setting one’s own sends a code to confirm it. Owner and admins only',
      ['+15555550123']
    ),
    // When the phone was proven to be this person's (a code sent to it, or set by an admin): SMS go to confirmed numbers only
    phone_confirmed_at: documented(
      Nullable(Timestamp),
      'When the phone number was confirmed (null: not yet; SMS go to confirmed numbers only)'
    ),
    role: Type.Union([Type.Literal('user'), Type.Literal('admin')], {
      description: '`admin` may read and moderate every channel and manage people, companies and contexts',
      examples: ['user']
    }),
    timezone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'IANA time zone for quiet hours (an unknown zone is refused)',
      examples: ['Europe/Lisbon']
    }),
    quiet_hours_start: quietHoursStart,
    quiet_hours_end: quietHoursEnd,
    password: Type.Optional(newPassword),
    // Bumped by a password or role change and by disabling: tokens issued under an older one end
    token_version: Type.Integer({
      minimum: 0,
      description:
        'Version of the person’s sessions: a password or role change or disabling bumps it and ends older tokens'
    }),
    disabled_at: documented(Nullable(Timestamp), 'When the account was disabled (null: it is not)'),
    created_at: documented(Timestamp, 'When the account was created', ['2026-12-01T09:00:00.000Z'])
  },
  {
    $id: 'User',
    additionalProperties: false,
    description: 'A person; others see only id, name, role and timezone'
  }
)
export type User = Static<typeof userSchema>
export const userResolver = resolve<User, HookContext<UserService>>({})

export const userExternalResolver = resolve<User, HookContext<UserService>>({
  password: async () => undefined,
  // Other people see a directory entry, not contact details
  email: async (value, user, context) => (canSeeAll(user, context) ? value : undefined),
  phone: async (value, user, context) => (canSeeAll(user, context) ? value : undefined),
  phone_confirmed_at: async (value, user, context) => (canSeeAll(user, context) ? value : undefined),
  quiet_hours_start: async (value, user, context) => (canSeeAll(user, context) ? value : undefined),
  quiet_hours_end: async (value, user, context) => (canSeeAll(user, context) ? value : undefined),
  created_at: async (value, user, context) => (canSeeAll(user, context) ? value : undefined),
  token_version: async (value, user, context) => (canSeeAll(user, context) ? value : undefined),
  disabled_at: async (value, user, context) => (canSeeAll(user, context) ? value : undefined)
})

/** A person's own record, or an admin's or internal call: contact details and account state. */
const canSeeAll = (user: User, context: HookContext) =>
  isAdminOrInternal(context.params) || context.params.user?.id === user.id

const isValidTimeZone = (timezone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

const checkTimezone = async (value: string | undefined) => {
  if (value !== undefined && !isValidTimeZone(value)) throw new Error(`Unknown time zone '${value}'`)
  return value
}

export const userDataSchema = Type.Object(
  {
    email: userSchema.properties.email,
    name: userSchema.properties.name,
    password: newPassword,
    phone: Type.Optional(userSchema.properties.phone),
    role: Type.Optional(userSchema.properties.role),
    timezone: Type.Optional(userSchema.properties.timezone),
    quiet_hours_start: Type.Optional(quietHoursStart),
    quiet_hours_end: Type.Optional(quietHoursEnd)
  },
  {
    $id: 'UserData',
    additionalProperties: false,
    description: 'A new account (a phone number given here counts as confirmed: admins vouch for it)',
    examples: [
      {
        email: 'gus@example.com',
        name: 'Gus Moreno',
        password: 'correct horse battery',
        timezone: 'Europe/Lisbon'
      }
    ]
  }
)
export type UserData = Static<typeof userDataSchema>
export const userDataValidator = getValidator(userDataSchema, dataValidator)
export const userDataResolver = resolve<User, HookContext<UserService>>({
  email: async (value) => value?.toLowerCase(),
  // Accounts are created by admins and admin tooling, who vouch for the number they enter
  phone_confirmed_at: async (_value, user) => (user.phone ? new Date().toISOString() : null),
  password: passwordHash({ strategy: 'local' }),
  timezone: checkTimezone
})

export const userPatchSchema = Type.Partial(
  Type.Object({
    ...Type.Pick(userSchema, [
      'name',
      'phone',
      'role',
      'timezone',
      'quiet_hours_start',
      'quiet_hours_end',
      'password'
    ]).properties,
    // Proves a new password is set by the account's owner, not by whoever holds a token; never stored
    current_password: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'One’s current password: needed, and only allowed, with a new `password` for one’s own account'
    }),
    // Admins only: a disabled account cannot log in, and its sessions end
    disabled: Type.Boolean({
      description: 'Admins only: true disables the account (no login, its sessions end), false enables it'
    })
  }),
  {
    $id: 'UserPatch',
    additionalProperties: false,
    minProperties: 1,
    description: 'Changes to one’s own profile (admins: anyone’s); at least one field',
    examples: [
      { name: 'Ana Silva', timezone: 'Europe/Lisbon', quiet_hours_start: '22:00', quiet_hours_end: '07:00' }
    ]
  }
)
export type UserPatch = Static<typeof userPatchSchema>
export const userPatchValidator = getValidator(userPatchSchema, dataValidator)

/** What the patch writes: the row's columns, without the fields that only steer it. */
type UserPatchRow = Omit<UserPatch, 'current_password' | 'disabled'> & Partial<Pick<User, 'disabled_at'>>

export const userPatchResolver = resolve<UserPatchRow & UserPatch, HookContext<UserService>>({
  password: passwordHash({ strategy: 'local' }),
  timezone: checkTimezone,
  current_password: async () => undefined,
  disabled: async () => undefined,
  disabled_at: async (_value, patch) =>
    patch.disabled === undefined ? undefined : patch.disabled ? new Date().toISOString() : null
})

export const userQueryProperties = Type.Pick(userSchema, ['id', 'email', 'name', 'role', 'created_at'])
export const userQuerySchema = querySyntax(userQueryProperties)
export type UserQuery = Static<typeof userQuerySchema>
export const userQueryValidator = getValidator(userQuerySchema, queryValidator)

// What people may search the directory by: what they may see of others
export const userDirectoryQuerySchema = querySyntax(Type.Pick(userSchema, ['id', 'name']))
export const userDirectoryQueryValidator = getValidator(userDirectoryQuerySchema, queryValidator)
export const userQueryResolver = resolve<UserQuery, HookContext<UserService>>({})
