import assert from 'assert'
import { performance } from 'perf_hooks'
import bcryptjs from 'bcryptjs'
import { useServer } from '../../helpers/app'
import { buildUser } from '../../helpers/factories'
import { http, login } from '../../helpers/clients'

describe('password hashing', function () {
  this.timeout(60_000)
  const server = useServer()

  for (const minor of ['a', 'b'] as const) {
    it(`still verifies a $2${minor}$ hash made by bcryptjs`, async () => {
      const user = await buildUser(server.app)
      const password = `an older passphrase ${minor}`
      // bcryptjs 2.x wrote $2a$: for passwords under 255 bytes the same computation under the older prefix
      const hash = (await bcryptjs.hash(password, 10)).replace(/^\$2b\$/, `$2${minor}$`)
      assert.ok(hash.startsWith(`$2${minor}$10$`))
      await server.app.get('postgresqlClient')('users').where({ id: user.id }).update({ password: hash })
      assert.ok(await login(server.url, { email: user.email, password }))
      const wrong = await http(server.url, 'POST', '/authentication', {
        body: { strategy: 'local', email: user.email, password: 'not it' }
      })
      assert.strictEqual(wrong.status, 401)
    })
  }

  it('keeps the event loop free while a burst of logins is hashed', async () => {
    const user = await buildUser(server.app)
    await login(server.url, user)
    const burst = 32
    // Event-loop utilisation: the share of the time this process's loop was busy
    const before = performance.eventLoopUtilization()
    const answers = await Promise.all(
      Array.from({ length: burst }, () =>
        http(server.url, 'POST', '/authentication', {
          body: { strategy: 'local', email: user.email, password: 'a wrong guess' }
        })
      )
    )
    const busy = performance.eventLoopUtilization(before).utilization
    assert.deepStrictEqual(new Set(answers.map((answer) => answer.status)), new Set([401]))
    // Hashing on the loop keeps it busy all the while (close to 1); on the thread pool it mostly waits
    assert.ok(busy < 0.5, `the event loop was busy ${(busy * 100).toFixed(0)} % of the burst`)
  })
})
