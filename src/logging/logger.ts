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
 * Access lines (one per HTTP request and per Socket.io call) leave in writes of about 4 KB:
 * a write of its own per line was a tenth of a busy instance's CPU in a profile of the send
 * path. Every other line is written at once, with the access lines before it, so that what
 * an operator or a supervisor reads (listening, not ready, a warning) is on stderr before
 * the process answers anything that depends on it. The destination writes synchronously:
 * nothing is ever in flight when a line must go at once, so lines keep their order, and
 * what is left is written when the process exits (process.exit() included); only a
 * process killed outright (SIGKILL) can lose the access lines of its last FLUSH_EVERY_MS.
 */
const destination = pino.destination({ dest: 2, sync: true, minLength: 4096 })
const FLUSH_EVERY_MS = 200

const lineFormat = {
  level: LEVELS.includes(configured) ? configured : 'info',
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) }
}

const engine = pino(
  {
    ...lineFormat,
    redact: { paths: [...CREDENTIALS, ...CREDENTIALS.map((path) => `*.${path}`)], censor: '[withheld]' },
    // The request id (and who made the call) on every line written during a call
    mixin: () => ({ ...currentCall() })
  },
  destination
)

const ACCESS_BATCH_CHARACTERS = 4096
let accessLines: string[] = []
let accessCharacters = 0
/**
 * Access lines wait here and reach the destination joined, about 4 KB at a time. Handed
 * over one by one, they would wait in sonic-boom's buffer instead, which measures the
 * whole string it appends to (Buffer.byteLength) on every write: each line flattened and
 * scanned the kilobytes before it, about a quarter of a line's CPU (2.7–3.1 µs a line
 * handed over one by one, 2.0–2.5 µs joined, written to /dev/null).
 */
const accessBatch = {
  write(line: string) {
    accessLines.push(line)
    accessCharacters += line.length
    if (accessCharacters >= ACCESS_BATCH_CHARACTERS) writeAccessLines()
  }
}
function writeAccessLines() {
  if (!accessLines.length) return
  const lines = accessLines.join('')
  accessLines = []
  accessCharacters = 0
  destination.write(lines)
}

/**
 * Access lines, into the same destination (so lines keep their order): they are written
 * once a call is over, outside it, and their context is the fixed set of fields that
 * `AccessLine` names, none of them personal or a credential. So they skip the mixin, the
 * redaction and the masks, which cost about as much again as the line itself, once for
 * every message sent.
 */
const accessEngine = pino(lineFormat, accessBatch)

const flush = () => {
  try {
    writeAccessLines()
    // flush(), not flushSync(): on a synchronous destination both write at once, but
    // flushSync also fsyncs, which on a stderr redirected to a file would put a disk flush
    // on the event loop for every warning (junk input is logged at warn)
    destination.flush()
  } catch {
    // closed (the process is ending, or stderr is gone): nothing more can be written
  }
}
// Access lines written while quiet still leave within FLUSH_EVERY_MS
setInterval(() => accessLines.length && flush(), FLUSH_EVERY_MS).unref()
// pino flushes only an asynchronous destination on exit; this one is written out here
process.on('exit', flush)

type Level = 'debug' | 'info' | 'warn' | 'error'

/**
 * What an access line may say: ids, the route or service and method, the outcome and its
 * time. Callers name each field (a spread would carry whatever its source grows, past
 * this type, into a line that is neither masked nor redacted).
 */
export interface AccessLine {
  request_id: string
  user_id?: string | number
  connection_id?: string
  service?: string
  method: string
  path?: string
  status?: number
  duration_ms: number
}

// The message goes in the object, first, so that a line reads `"message":…` and then its
// context (pino would put its own message key last)
const write = (level: Level, message: string, context?: Record<string, unknown>) => {
  if (!engine.isLevelEnabled(level)) return
  // The access lines before it leave first, so that lines keep their order
  writeAccessLines()
  engine[level]({ message, ...(context && maskLogContext(context)) })
  flush()
}

// One JSON line per entry, so that log collectors can parse context fields; phone
// numbers, push tokens, emails and what people wrote are masked whoever logs them
export const logger = {
  debug: (message: string, context?: Record<string, unknown>) => write('debug', message, context),
  info: (message: string, context?: Record<string, unknown>) => write('info', message, context),
  warn: (message: string, context?: Record<string, unknown>) => write('warn', message, context),
  error: (message: string, context?: Record<string, unknown>) => write('error', message, context),
  /** An access line at info: batched with the others (see the destination above) */
  access: (message: string, line: AccessLine) => {
    if (!accessEngine.isLevelEnabled('info')) return
    accessEngine.info({ message, ...line })
  },
  enabled: (level: Level) => engine.isLevelEnabled(level)
}
