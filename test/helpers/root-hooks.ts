import { createTestDatabase, dropTestDatabase } from './database'

// One fresh, migrated database for the whole run, dropped at the end
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000)
    await createTestDatabase()
  },
  async afterAll() {
    await dropTestDatabase()
  }
}
