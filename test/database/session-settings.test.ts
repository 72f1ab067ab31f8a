import assert from 'assert'
import { useServer } from '../helpers/app'

describe("the service's database sessions", () => {
  const server = useServer()

  it('run without JIT and with the random page cost of data in memory, on every pooled connection', async () => {
    const db = server.app.get('postgresqlClient')
    // Several at once, each held a moment, so that the pool opens more than one connection
    const settings = await Promise.all(
      Array.from({ length: 4 }, () =>
        db.transaction(
          async (trx) =>
            (
              await trx.raw(
                `select current_setting('jit') as jit, current_setting('random_page_cost') as cost, pg_backend_pid() as pid, pg_sleep(0.05)`
              )
            ).rows[0]
        )
      )
    )
    assert.ok(new Set(settings.map((row) => row.pid)).size > 1, 'the pool lent one connection only')
    for (const row of settings) assert.deepStrictEqual([row.jit, row.cost], ['off', '1.1'])
  })
})
