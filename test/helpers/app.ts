import type { Server } from 'http'
import type { AddressInfo } from 'net'
import { createApp } from '../../src/app'
import type { ConfigurationOverrides } from '../../src/app'
import type { Application } from '../../src/declarations'
import { testDatabaseUrl } from './database'
import { stopServing } from '../../src/http/shutdown'
import { closeClients } from './clients'

export interface TestServer {
  app: Application
  server: Server
  url: string
  close(): Promise<void>
}

/** The real app on a free loopback port, on the run's test database. */
export async function startApp(overrides: ConfigurationOverrides = {}, port = 0): Promise<TestServer> {
  const app = createApp({
    database: { url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 10 } },
    ...overrides
  })
  const server = await app.listen(port, '127.0.0.1')
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  const { port: listening } = server.address() as AddressInfo
  return {
    app,
    server,
    url: `http://127.0.0.1:${listening}`,
    async close() {
      await stopServing(app, server)
    }
  }
}

/**
 * One app for the enclosing suite: started in a `before` hook, and in an `after` hook
 * its clients are closed and it is stopped. Call it before the suite's own hooks that
 * use the app. The handle it returns reads through to the started app, so it can be
 * used wherever a TestServer is, from inside hooks and tests (not at describe time).
 */
export function useServer(
  overrides: ConfigurationOverrides | (() => ConfigurationOverrides) = {}
): TestServer {
  let started: TestServer | undefined
  before(async () => {
    started = await startApp(typeof overrides === 'function' ? overrides() : overrides)
  })
  after(async () => {
    closeClients()
    await started?.close()
  })
  const current = () => {
    if (!started) throw new Error('useServer: the app is not started yet (use it inside a hook or test)')
    return started
  }
  return {
    get app() {
      return current().app
    },
    get server() {
      return current().server
    },
    get url() {
      return current().url
    },
    close: () => current().close()
  }
}
