import pino from 'pino'
import { maskLogContext } from './log-masking'
import { currentCall } from './call-context'

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent']
const configured = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info')

// Credentials under names that no call site is meant to log, wherever a whole object slips
// in. pino's redact takes fixed paths; the masks of log-masking.ts follow their keys at any
// depth and keep a shape that tells values apart, which redact cannot, so they stay ours
const CREDENTIALS = ['accessToken', 'authorization', 'cookie', 'headers.authorization', 'headers.cookie']

/**
 * Lines leave in writes of about 4 KB: one write of its own per line (a socket call's
 * access line is one) was a tenth of a busy instance's CPU in a profile of the send path.
 * A warning or an error is written at once, the rest within FLUSH_EVERY_MS, and pino
 * writes what is left synchronously when the process exits (process.exit() included), so
 * only a process killed outright (SIGKILL) can lose the last moment's info lines.
 */
const destination = pino.destination({ dest: 2, sync: false, minLength: 4096 })
const FLUSH_EVERY_MS = 200

const engine = pino(
  {
    level: LEVELS.includes(configured) ? configured : 'info',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...CREDENTIALS, ...CREDENTIALS.map((path) => `*.${path}`)], censor: '[withheld]' },
    // The request id (and who made the call) on every line written during a call
    mixin: () => ({ ...currentCall() })
  },
  destination
)

const flush = () => {
  try {
    destination.flush()
  } catch {
    // closed (the process is ending, or stderr is gone): nothing more can be written
  }
}
// Flushed while quiet too, so a line never waits long for the lines after it
setInterval(flush, FLUSH_EVERY_MS).unref()

type Level = 'debug' | 'info' | 'warn' | 'error'

// The message goes in the object, first, so that a line reads `"message":…` and then its
// context (pino would put its own message key last)
const write = (level: Level, message: string, context?: Record<string, unknown>) => {
  if (!engine.isLevelEnabled(level)) return
  engine[level]({ message, ...(context && maskLogContext(context)) })
  if (level === 'warn' || level === 'error') flush()
}

// One JSON line per entry, so that log collectors can parse context fields; phone
// numbers, push tokens, emails and what people wrote are masked whoever logs them
export const logger = {
  debug: (message: string, context?: Record<string, unknown>) => write('debug', message, context),
  info: (message: string, context?: Record<string, unknown>) => write('info', message, context),
  warn: (message: string, context?: Record<string, unknown>) => write('warn', message, context),
  error: (message: string, context?: Record<string, unknown>) => write('error', message, context),
  enabled: (level: Level) => engine.isLevelEnabled(level)
}
