/** What a hostile or broken client sends: each shape once, for every service and method. */

export const LEAP_SECOND = '2016-12-31T23:59:60Z'

export const PROTOTYPE_NAMES = [
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Function.prototype)
].filter((name, index, names) => names.indexOf(name) === index)

const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { x: 1 } : { a: nested(depth - 1) })

/** Ids as they arrive in a path or a Socket.io call. */
export const junkIds: unknown[] = [
  ...['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'],
  0,
  -1,
  1.5,
  '1e400',
  '99999999999999999999',
  Number.MAX_SAFE_INTEGER + 2,
  'a\u0000b',
  'a\uD800b',
  'ÿ',
  '',
  ' '
]

/** Service data (bodies): wrong types, operators, poisoned keys, impossible values. */
export const junkData: unknown[] = [
  null,
  42,
  'text',
  true,
  {},
  nested(40),
  { $where: 'sleep(1)', $set: { role: 'admin' } },
  JSON.parse('{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"role": "admin"}}}'),
  { name: 'a\u0000b', content: 'a\u0000b', email: 'a\u0000b@example.test', token: 'a\u0000b' },
  { name: 'a\uD800b', content: 'a\uD800b' },
  { channel_id: 99999999999999999999, context_id: 1e300, last_read_seq: Number.MAX_VALUE, user_id: -1 },
  { last_read_at: LEAP_SECOND, created_at: LEAP_SECOND, scheduled_for: LEAP_SECOND },
  { last_read_at: '2016-02-30T00:00:00Z' },
  { last_read_at: 'not a date', muted: 'yes' },
  { strategy: 'jwt', accessToken: { $ne: null } },
  { strategy: 'local', email: ['a'], password: { $gt: '' } },
  { channel_id: '__proto__', typing: 'constructor' }
]

/** Socket.io queries (objects as the client sends them). */
export const junkQueries: Record<string, unknown>[] = [
  { $where: 'sleep(1)' },
  { id: { $regex: '.*' } },
  { $or: [{ id: { $ne: 0 } }] },
  { $limit: -1 },
  { $limit: 'many' },
  { $skip: 1e400 },
  { $sort: { id: 'sideways' } },
  { $select: ['password'] },
  { created_at: { $gt: LEAP_SECOND } },
  { name: 'a\u0000b', channel_id: 'a\u0000b' },
  { id: '99999999999999999999', channel_id: 1e300 },
  { channel_id: { __proto__: { x: 1 } } },
  { user_id: { $in: 'not a list' } },
  nested(30)
]

/** REST query strings, as typed into a URL. */
export const junkQueryStrings = [
  'a[b][c][d][e][f][g][h]=1',
  '$where=1',
  'id[$regex]=.*',
  '$limit=-1',
  '$skip=1e400',
  '$sort[id]=sideways',
  `created_at[$gt]=${encodeURIComponent(LEAP_SECOND)}`,
  'name=a%00b&channel_id=a%00b',
  'name=%FF%FE&channel_id=%C0',
  '__proto__[role]=admin',
  'constructor[prototype][role]=admin',
  'channel_id=1e400&user_id[$in]=x',
  'channel_id[]=1&channel_id[]=2'
]

/** Raw request bodies over HTTP: not JSON, not UTF-8, or JSON of the wrong kind. */
export const junkRawBodies: (string | Buffer)[] = [
  'null',
  '42',
  '"text"',
  '[]',
  '{"a":',
  Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0xc0, 0x22, 0x3a, 0x31, 0x7d]),
  Buffer.from('{"name": "\xff\xfe"}', 'latin1'),
  '{"channel_id": 1e400}',
  `{"last_read_at": "${LEAP_SECOND}"}`
]
