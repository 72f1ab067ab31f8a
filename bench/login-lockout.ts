/**
 * What the login throttle does to people who are not guessing, under the production
 * limits of config/default.json (`logins`, and `limits.calls_per_minute`, which the test
 * configuration lifts) with `connections.trust_proxy` on, so that each login comes from
 * the address its X-Forwarded-For names (documentation addresses, 192.0.2.x and
 * 198.51.100.x). Creates and drops its own database.
 *
 *   npm run bench -- --login-lockout [--lockout-guesses 100] [--lockout-overlap 200]
 *                    [--lockout-people 120] [--lockout-instances 2]
 *
 * - lockout: guesses at a victim's password from address A, one after another, then the
 *   victim's right password from address B; once with A fresh, and once with A first
 *   spending its own budget on other accounts, so that every guess is refused before a
 *   password check.
 * - overlap: the same account's right password sent many times at once from one
 *   address (a client retrying, several tabs), then someone else's from that address.
 * - shift start: many people logging in at once from one address (an office, a site
 *   behind one NAT), then those refused trying once more.
 *
 * The logins sent at once go over connections opened beforehand, as they reach an app
 * behind a load balancer: opening hundreds of connections at the same moment spreads the
 * requests out over a second or more, and successes finishing meanwhile hide the overlap.
 *
 * With --lockout-instances 2 the limits are kept in Redis and the logins alternate
 * between two instances; with one (the default, as config/default.json has no Redis)
 * they are kept in memory.
 */
import fs from 'fs'
import path from 'path'
import { createTestDatabase, dropTestDatabase } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import type { TestServer } from '../test/helpers/app'
import { localStrategyOf } from '../src/modules/identity/authentication'
import { PASSWORD } from '../test/helpers/factories'
import { closeClients } from '../test/helpers/clients'
import { redisSettings, removeTestRedisKeys } from '../test/helpers/redis'
import { option } from './options'

const production = JSON.parse(fs.readFileSync(path.join(__dirname, '../config/default.json'), 'utf8'))

const log = (line: string) => console.error(`[login-lockout] ${line}`)

interface Answer {
  status: number
  retryAfter: string | null
}

/** One login over REST, from `address` as the (trusted) load balancer reports it. */
async function attempt(url: string, email: string, password: string, address: string): Promise<Answer> {
  const response = await fetch(`${url}/authentication`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
    body: JSON.stringify({ strategy: 'local', email, password })
  })
  await response.arrayBuffer()
  return { status: response.status, retryAfter: response.headers.get('retry-after') }
}

/** `count` keep-alive connections to the instances, open before a burst uses them. */
async function openConnections(urls: (i: number) => string, count: number) {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await fetch(`${urls(i)}/no-such-page`)
      await response.arrayBuffer()
    })
  )
}

/** How many answers had each status, e.g. { "201": 10, "429": 190 }. */
const byStatus = (answers: Answer[]) =>
  answers.reduce<Record<string, number>>(
    (counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
    {}
  )

/** The Retry-After the refused answers gave, lowest and highest, in seconds. */
const retryAfters = (answers: Answer[]) => {
  const seconds = answers.filter(({ status }) => status === 429).map(({ retryAfter }) => Number(retryAfter))
  return seconds.length ? { min: Math.min(...seconds), max: Math.max(...seconds) } : null
}

const outcome = ({ status, retryAfter }: Answer) => ({
  status,
  retry_after: retryAfter === null ? null : Number(retryAfter)
})

export async function loginLockout() {
  const guesses = option('lockout-guesses', 100)
  const overlap = option('lockout-overlap', 200)
  const shift = option('lockout-people', 120)
  const instances = option('lockout-instances', 1)
  const settings = {
    logins: production.logins,
    limits: { calls_per_minute: production.limits.calls_per_minute },
    connections: { trust_proxy: true },
    ...(instances > 1 ? { redis: redisSettings() } : {})
  }
  await createTestDatabase()
  const servers: TestServer[] = []
  try {
    for (let i = 0; i < instances; i++) servers.push(await startApp(settings))
    const app = servers[0].app
    // Request i goes to instance i mod N
    const url = (i: number) => servers[i % servers.length].url

    // Everyone shares one hash: creating the accounts is not what is measured
    const hash = await localStrategyOf(app).hashPassword(PASSWORD)
    const tag = `lockout-${process.pid}-${Date.now().toString(36)}`
    let created = 0
    const accounts = async (label: string, count: number) => {
      const emails = Array.from({ length: count }, () => `${tag}-${label}-${++created}@example.test`)
      await app
        .get('postgresqlClient')('users')
        .insert(emails.map((email, i) => ({ email, name: `${label} ${i}`, password: hash })))
      return emails
    }

    // a) guesses at a victim from A, then the victim from B
    const lockout = async (a: string, b: string, exhaustFirst: boolean) => {
      const [victim] = await accounts('victim', 1)
      let exhausting: Record<string, number> | undefined
      if (exhaustFirst) {
        const others = await accounts('other', production.logins.failures_per_address)
        const answers: Answer[] = []
        for (const [i, email] of others.entries())
          answers.push(await attempt(url(i), email, `Summer2026! ${i}`, a))
        exhausting = byStatus(answers)
      }
      const answers: Answer[] = []
      for (let i = 0; i < guesses; i++) answers.push(await attempt(url(i), victim, `guess ${i}`, a))
      const owner = await attempt(url(guesses), victim, PASSWORD, b)
      return {
        ...(exhausting ? { address_spent_first_on_other_accounts: exhausting } : {}),
        guesses: byStatus(answers),
        owner_from_another_address: outcome(owner)
      }
    }
    log(`lockout: ${guesses} guesses from a fresh address`)
    const fresh = await lockout('192.0.2.10', '198.51.100.10', false)
    log(`lockout: ${guesses} guesses from an address over its budget`)
    const exhausted = await lockout('192.0.2.20', '198.51.100.20', true)

    // b) one account's right password, many times at once from one address
    log(`overlap: ${overlap} correct logins of one account at once`)
    const [owner, colleague] = await accounts('overlap', 2)
    const office = '192.0.2.30'
    await openConnections(url, overlap)
    const together = await Promise.all(
      Array.from({ length: overlap }, (_, i) => attempt(url(i), owner, PASSWORD, office))
    )
    const colleagueAfter = await attempt(url(overlap), colleague, PASSWORD, office)
    const ownerAfter = await attempt(url(overlap + 1), owner, PASSWORD, office)

    // c) many people at once from one address, then the refused once more
    log(`shift start: ${shift} people at once from one address`)
    const people = await accounts('shift', shift)
    const site = '192.0.2.40'
    await openConnections(url, shift)
    const first = await Promise.all(people.map((email, i) => attempt(url(i), email, PASSWORD, site)))
    const refused = people.filter((_, i) => first[i].status !== 201)
    await openConnections(url, refused.length)
    const again = await Promise.all(refused.map((email, i) => attempt(url(i), email, PASSWORD, site)))

    return {
      login_lockout: {
        settings: {
          logins: production.logins,
          calls_per_minute: production.limits.calls_per_minute,
          trust_proxy: true,
          connections_open_before_bursts: true,
          instances,
          limits_kept_in: instances > 1 ? 'redis' : 'memory'
        },
        lockout: { wrong_passwords: guesses, address_fresh: fresh, address_over_its_budget: exhausted },
        overlap: {
          correct_logins_at_once: overlap,
          statuses: byStatus(together),
          retry_after_of_429s: retryAfters(together),
          then_another_person_same_address: outcome(colleagueAfter),
          then_the_same_account_again: outcome(ownerAfter)
        },
        shift_start: {
          people_at_once: shift,
          statuses: byStatus(first),
          retry_after_of_429s: retryAfters(first),
          refused_trying_once_more: refused.length ? byStatus(again) : {}
        }
      }
    }
  } finally {
    closeClients()
    for (const server of servers) await server.close()
    await dropTestDatabase()
    if (instances > 1) await removeTestRedisKeys()
  }
}

if (require.main === module) {
  loginLockout()
    .then((figures) => console.log(JSON.stringify(figures, null, 2)))
    .catch((error) => {
      console.error(error)
      process.exit(1)
    })
}
