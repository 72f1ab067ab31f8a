import type { Server } from 'http'
import type { AddressInfo } from 'net'
import { createApp } from '../../src/app'
import type { ConfigurationOverrides } from '../../src/app'
import type { Application } from '../../src/declarations'
import { testDatabaseUrl } from './database'
import { stopServing } from '../../src/shutdown'

export interface TestServer {
  app: Application
  server: Server
  url: string
  close(): Promise<void>
}

/** The real app on a free loopback port, on the run's test database. */
export async function startApp(overrides: ConfigurationOverrides = {}): Promise<TestServer> {
  const app = createApp({
    database: { url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 10 } },
    ...overrides
  })
  const server = await app.listen(0, '127.0.0.1')
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return {
    app,
    server,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await stopServing(app, server)
    }
  }
}
