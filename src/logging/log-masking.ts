import crypto from 'crypto'

/** `+15551234567` → `+1555****567`: enough to tell numbers apart in a log, not to call one. */
export function maskPhone(phone: string): string {
  const match = /^\+(\d{7,15})$/.exec(phone)
  if (!match) return phone.length > 6 ? '*'.repeat(phone.length - 3) + phone.slice(-3) : '***'
  const digits = match[1]
  const head = Math.max(1, Math.min(4, digits.length - 7))
  return `+${digits.slice(0, head)}${'*'.repeat(digits.length - head - 3)}${digits.slice(-3)}`
}

/** A push token is a credential: the log gets a fingerprint that matches the same token again, and its length. */
export const maskToken = (token: string): string =>
  `sha256:${crypto.createHash('sha256').update(token).digest('hex').slice(0, 12)} (${token.length} chars)`

/** `ana.lopez@example.com` → `a***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  return at > 0 ? `${email[0]}***${email.slice(at)}` : '***'
}

const withheld = (value: string) => `[${[...value].length} chars withheld]`

/** Context keys whose values identify or reach a person, or are what people wrote. */
const maskers: Record<string, (value: string) => string> = {
  phone: maskPhone,
  to: maskPhone,
  token: maskToken,
  email: maskEmail,
  content: withheld,
  message_preview: withheld,
  password: () => '[withheld]'
}

/** The log context with personal data masked, at any depth, whatever the call site passed. */
export function maskLogContext(context: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [key, maskValue(key, value)]))
}

function maskValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') return maskers[key] ? maskers[key](value) : value
  if (Array.isArray(value)) return value.map((item) => maskValue(key, item))
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return maskLogContext(value as Record<string, unknown>)
  }
  return value
}
