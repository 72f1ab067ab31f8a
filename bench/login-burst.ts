/**
 * Many people logging in at the same moment (a shift starts, an instance restarts and
 * its clients log in again): every login a POST /authentication of its own, all at
 * once, while someone already logged in keeps making calls.
 *
 *   npm run bench [-- --logins 200]
 */
import { performance } from 'perf_hooks'
import type { TestServer } from '../test/helpers/app'
import { localStrategyOf } from '../src/modules/identity/authentication'
import { PASSWORD, buildUser } from '../test/helpers/factories'
import { http, login } from '../test/helpers/clients'
import { percentile } from './options'

export async function loginBurst(server: TestServer, logins: number) {
  const db = server.app.get('postgresqlClient')
  // One hash for everyone: creating the accounts is not what is measured
  const hash = await localStrategyOf(server.app).hashPassword(PASSWORD)
  const tag = `burst-${process.pid}-${Date.now().toString(36)}`
  const people = Array.from({ length: logins }, (_, i) => ({
    email: `${tag}-${i}@example.test`,
    password: PASSWORD
  }))
  await db('users').insert(people.map(({ email }, i) => ({ email, name: `Burst ${i}`, password: hash })))

  const observer = await buildUser(server.app)
  const token = await login(server.url, observer)
  const otherCalls: number[] = []
  let bursting = true
  const observing = (async () => {
    while (bursting) {
      const t0 = performance.now()
      await http(server.url, 'GET', '/channels', { token })
      otherCalls.push(performance.now() - t0)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()

  const times: number[] = []
  const failures: Record<string, number> = {}
  const started = performance.now()
  await Promise.all(
    people.map(async (who) => {
      const t0 = performance.now()
      const { status } = await http(server.url, 'POST', '/authentication', {
        body: { strategy: 'local', ...who }
      })
      if (status === 201) times.push(performance.now() - t0)
      else failures[status] = (failures[status] ?? 0) + 1
    })
  )
  const seconds = (performance.now() - started) / 1000
  bursting = false
  await observing

  return {
    logins,
    succeeded: times.length,
    failures,
    seconds: +seconds.toFixed(2),
    login_ms: { p50: percentile(times, 50), p99: percentile(times, 99), max: percentile(times, 100) },
    // another person's calls while the burst is hashed
    other_calls_ms: {
      p50: percentile(otherCalls, 50),
      p99: percentile(otherCalls, 99),
      max: percentile(otherCalls, 100)
    },
    uv_threadpool_size: Number(process.env.UV_THREADPOOL_SIZE ?? 4)
  }
}
