import { maskLogContext } from './log-masking'

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const
type Level = Exclude<keyof typeof levels, 'silent'>

const configured = (process.env.LOG_LEVEL ??
  (process.env.NODE_ENV === 'test' ? 'silent' : 'info')) as keyof typeof levels
const threshold = levels[configured] ?? levels.info

const write = (level: Level, message: string, context?: Record<string, unknown>) => {
  if (levels[level] < threshold) return
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    message,
    ...(context && maskLogContext(context))
  })
  process.stderr.write(line + '\n')
}

// One JSON line per entry, so that log collectors can parse context fields; phone
// numbers, push tokens, emails and what people wrote are masked whoever logs them
export const logger = {
  debug: (message: string, context?: Record<string, unknown>) => write('debug', message, context),
  info: (message: string, context?: Record<string, unknown>) => write('info', message, context),
  warn: (message: string, context?: Record<string, unknown>) => write('warn', message, context),
  error: (message: string, context?: Record<string, unknown>) => write('error', message, context)
}
