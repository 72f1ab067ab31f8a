import { parseArgs } from 'util'
import type { ParseArgsConfig } from 'util'
import type { Application } from '../declarations'
import type { ContextType } from '../modules/messaging/services/channels/channels.schema'

/** `booking:42` or `dispute:7`, as the admin commands take a channel; undefined otherwise. */
export function parseContext(value: string | undefined): [ContextType, number] | undefined {
  const match = /^(booking|dispute):([1-9]\d{0,15})$/.exec(value ?? '')
  return match ? [match[1] as ContextType, Number(match[2])] : undefined
}

type OwnOptions = NonNullable<ParseArgsConfig['options']>

/**
 * Parses the arguments of a command that works on one context's channel: the required
 * `--context type:id` and the command's `own` options. Any mistake (an unknown option, a
 * missing or malformed `--context`, or what `check` throws about the command's own values)
 * is one error that ends with the command's usage line. Undefined when the command takes
 * `--help` and was given it.
 */
export function parseContextArguments<const O extends OwnOptions>(
  argv: string[],
  usage: string,
  own: O,
  check?: (values: ReturnType<typeof parseOwn<O>>) => void
) {
  try {
    const values = parseOwn(argv, own)
    // The shared options, whatever the command's own are
    const shared = values as { help?: boolean; context?: string }
    if ('help' in own && shared.help === true) return undefined
    const context = parseContext(shared.context)
    if (!context) throw new Error('--context is missing or not type:id')
    check?.(values)
    return { context, values }
  } catch (error: any) {
    throw new Error(`${error.message}\n${usage}`)
  }
}

function parseOwn<const O extends OwnOptions>(argv: string[], own: O) {
  return parseArgs({ args: argv, options: { ...own, context: { type: 'string' } } }).values
}

/** The channel of a context, or an error naming the context. */
export async function channelOf(
  app: Application,
  contextType: ContextType,
  contextId: number
): Promise<number> {
  const channelId = await app.service('channels').idOf(contextType, contextId)
  if (channelId === undefined) throw new Error(`No channel for ${contextType} ${contextId}`)
  return Number(channelId)
}

/**
 * Runs a command's main and ends the process with its code; an error is one line and
 * `errorCode` (1; the verify commands give 2, as their 1 means "the record is broken").
 */
export function runCommand(main: () => Promise<number>, errorCode = 1) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error?.message ?? String(error))
      process.exit(errorCode)
    }
  )
}
