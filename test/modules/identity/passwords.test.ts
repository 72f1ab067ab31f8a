import assert from 'assert'
import { readFileSync } from 'fs'
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
    // CPU time, not wall time: on a busy machine the loop's share of the wall clock swells
    // with waiting for a core, while the threads' CPU time is what each of them computed
    const before = { process: process.cpuUsage(), loop: mainThreadCpuMicros() }
    const answers = await Promise.all(
      Array.from({ length: burst }, () =>
        http(server.url, 'POST', '/authentication', {
          body: { strategy: 'local', email: user.email, password: 'a wrong guess' }
        })
      )
    )
    const spent = process.cpuUsage(before.process)
    const onLoop = mainThreadCpuMicros() - before.loop
    const share = onLoop / (spent.user + spent.system)
    assert.deepStrictEqual(new Set(answers.map((answer) => answer.status)), new Set([401]))
    // Hashing on the loop puts nearly all of the burst's CPU on its thread; on libuv's pool
    // the loop does only the requests' own work
    assert.ok(share < 0.5, `the event loop's thread did ${(share * 100).toFixed(0)} % of the burst's work`)
  })
})

/** CPU time of this process's main thread (the event loop's), in microseconds, from Linux's /proc. */
function mainThreadCpuMicros() {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start at its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticksPerSecond = 100
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond
}
