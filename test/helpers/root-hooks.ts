import { createTestDatabase, dropTestDatabase } from './database'
import { removeTestRedisKeys } from './redis'

// One fresh, migrated database for the whole run, dropped at the end with the run's Redis keys
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000)
    await createTestDatabase()
  },
  async afterAll() {
    await dropTestDatabase()
    await removeTestRedisKeys()
  }
}
