import type { Application } from '../declarations'
import type { ContextType } from '../modules/messaging/services/channels/channels.schema'

/** `booking:42` or `dispute:7`, as the admin commands take a channel; undefined otherwise. */
export function parseContext(value: string | undefined): [ContextType, number] | undefined {
  const match = /^(booking|dispute):([1-9]\d{0,15})$/.exec(value ?? '')
  return match ? [match[1] as ContextType, Number(match[2])] : undefined
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
