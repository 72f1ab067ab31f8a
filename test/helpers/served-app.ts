import { useServer } from './app'
import { closeClients } from './clients'
import { testDatabaseUrl } from './database'
import type { BookingWorld } from './factories'
import { bookingChannel } from './fixtures'
import { killTree, serve } from './processes'
import type { Command } from './processes'

export interface ServedApp {
  command: Command
  url: string
  world: BookingWorld
  channelId: number
}

/**
 * The app in a process of its own, whose log a test reads, on the suite's database with
 * `environment` on top. The suite's own app first builds a booking with its channel for
 * the process to serve: people exist before it starts, so that it does not take itself for
 * a first run. Started in a `before` hook and killed in an `after` hook; the handle reads
 * through to it, from inside hooks and tests (not at describe time).
 */
export function useServedApp(environment: NodeJS.ProcessEnv): ServedApp {
  // The same database, to build people the separate process serves
  const server = useServer()
  let started: ServedApp | undefined
  before(async () => {
    const { world, channelId } = await bookingChannel(server.app)
    const { command, url } = await serve({ DATABASE_URL: testDatabaseUrl, ...environment })
    started = { command, url, world, channelId }
  })
  after(() => {
    closeClients()
    killTree(started?.command)
  })
  const current = () => {
    if (!started)
      throw new Error('useServedApp: the process is not started yet (use it inside a hook or test)')
    return started
  }
  return {
    get command() {
      return current().command
    },
    get url() {
      return current().url
    },
    get world() {
      return current().world
    },
    get channelId() {
      return current().channelId
    }
  }
}

/**
 * What a process has logged so far, each line parsed from the JSON the logger writes;
 * output that is not such a line (a runtime's warning) is left out.
 */
export const jsonLogLines = (command: Command) =>
  command
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
