import assert from 'assert'
import knex from 'knex'
import { useServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { messageBox, messageItem, signIn, useBrowser } from '../helpers/browser'
import { socketClient, nextEvent } from '../helpers/clients'
import { within } from '../helpers/processes'
import { Deployment } from './deployment'
import { Person } from './traffic'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const PRESENCE_EXPIRY_SECONDS = 3

// Production serves /metrics only to the bearer of METRICS_TOKEN, as a scraper would send it
const METRICS_TOKEN = 'topology-metrics-token'

const openConnections = async (instanceUrl: string) => {
  const scrape = await fetch(`${instanceUrl}/metrics`, {
    headers: { Authorization: `Bearer ${METRICS_TOKEN}` }
  })
  if (scrape.status !== 200) throw new Error(`GET /metrics answered ${scrape.status}`)
  const text = await scrape.text()
  return Number(/^chat_socket_connections (\d+)/m.exec(text)?.[1] ?? 0)
}

/**
 * Three instances behind HAProxy (deploy/haproxy.cfg) on PostgreSQL and Redis, reached
 * only through the balancer: a deploy restarts them one by one under steady traffic,
 * then one is killed. No acknowledged message may be lost or doubled, every client must
 * end holding every message once in seq order, and nobody may see a 5xx or need a reload.
 */
describe('a deployment behind HAProxy', function () {
  this.timeout(600_000)
  const browser = useBrowser()
  // Writes the fixtures straight into the shared database; it is not one of the instances
  const seeding = useServer()
  let deployment: Deployment
  let world: BookingWorld
  let channelId: number
  let people: Person[] = []
  const figures: Record<string, unknown> = {}

  before(async () => {
    ;({ world, channelId } = await bookingChannel(seeding.app))
    deployment = new Deployment(3, {
      NODE_CONFIG: JSON.stringify({ public: browser.outdir }),
      SHUTDOWN_DRAIN_SECONDS: '4',
      PRESENCE_EXPIRY_SECONDS: String(PRESENCE_EXPIRY_SECONDS),
      METRICS_TOKEN,
      // One address (the test's) makes every connection and call: lift the per-address budgets
      MESSAGES_PER_MINUTE: '100000',
      CALLS_PER_MINUTE: '1000000',
      CONNECTIONS_PER_IP_PER_MINUTE: '100000',
      LOGIN_FAILURES_PER_ADDRESS: '100000'
    })
    await deployment.start()
    const everyone = [
      world.worker,
      world.supervisor,
      world.borrowerAdmin,
      world.borrowerManager,
      world.lenderAdmin,
      world.lenderManager
    ]
    people = everyone.map((user) => new Person(deployment.url, user, channelId))
    await Promise.all(people.map((person) => person.start()))
  })

  after(async () => {
    for (const person of people) person.close()
    deployment?.stop()
    if (Object.keys(figures).length) console.log(`      topology figures: ${JSON.stringify(figures)}`)
  })

  /** Every message the database holds for the channel, in seq order. */
  async function stored() {
    const db = knex({ client: 'pg', connection: testDatabaseUrl, pool: { min: 0, max: 1 } })
    try {
      return await db('chat_messages')
        .where({ channel_id: channelId })
        .orderBy('seq')
        .select('id', 'seq', 'client_id', 'sender_id')
    } finally {
      await db.destroy()
    }
  }

  /** Sends steadily from four people while `disturb` runs, then checks what everyone holds. */
  async function underLoad(label: string, disturb: () => Promise<void>) {
    const senders = people.slice(0, 4)
    const before = senders.map((person) => person.acknowledged.length)
    const sending = senders.map((person) => person.sendSteadily(label, 150))
    await sleep(2000)
    const disturbedAt = Date.now()
    await disturb()
    await sleep(2000)
    for (const person of senders) person.stopSending()
    const stuck = () => people.map((person) => person.describe()).join('\n')
    await within(Promise.all(sending), 60_000, `the senders are answered again\n${stuck()}`).catch(
      (error) => {
        throw new Error(`${error.message}\n${stuck()}`)
      }
    )

    const rows = await stored()
    const deadline = Date.now() + 60_000
    while (people.some((person) => person.held.length < rows.length) && Date.now() < deadline)
      await sleep(200)
    const acknowledged = senders.flatMap((person) => person.acknowledged)
    const storedIds = new Set(rows.map((row) => Number(row.id)))
    const byClientId = new Map<string, number>()
    for (const row of rows) {
      const key = `${row.sender_id}/${row.client_id}`
      if (row.client_id) byClientId.set(key, (byClientId.get(key) ?? 0) + 1)
    }
    const outages = people.flatMap((person) =>
      person.outages.filter((outage) => outage.from >= disturbedAt - 1000)
    )
    figures[label] = {
      acknowledged: senders.reduce((sum, person, i) => sum + person.acknowledged.length - before[i], 0),
      lost: acknowledged.filter((message) => !storedIds.has(message.id)).length,
      duplicated: [...byClientId.values()].filter((count) => count > 1).length,
      reconnections: outages.length,
      longest_outage_ms: Math.max(0, ...outages.map((outage) => (outage.to ?? Infinity) - outage.from))
    }

    assert.strictEqual((figures[label] as any).lost, 0, 'no acknowledged message is lost')
    assert.strictEqual((figures[label] as any).duplicated, 0, 'no message is stored twice')
    assert.ok(
      outages.every((outage) => outage.to !== undefined),
      'every client that lost its connection signed in again by itself'
    )
    for (const person of people) {
      assert.deepStrictEqual(
        person.held.map((message) => message.seq),
        rows.map((row) => Number(row.seq)),
        `${person.user.name} holds every message once, in seq order`
      )
      assert.deepStrictEqual(person.serverErrors, [], `${person.user.name} saw no 5xx`)
    }
  }

  it('serves the page and the Feathers client, polling first, live across instances', async () => {
    const perInstance = await Promise.all(
      deployment.instances.map((instance) => openConnections(instance.url))
    )
    assert.ok(
      perInstance.every((count) => count > 0),
      `the clients are spread over the instances: ${perInstance}`
    )

    const page = await browser.newPage()
    await signIn(page, deployment.url, world.worker)
    const heard = nextEvent(
      people[1].client,
      'messages',
      'created',
      (message) => message.content === 'From the page'
    )
    await messageBox(page).fill('From the page')
    await messageBox(page).press('Enter')
    await heard
    await people[2].client.service('messages').create({ channel_id: channelId, content: 'To the page' })
    await messageItem(page, 'To the page').waitFor()
    await page.close()
  })

  it('loses and doubles nothing through a rolling restart, and every client comes back by itself', async () => {
    await underLoad('rolling restart', async () => {
      for (const instance of deployment.instances) {
        assert.strictEqual(
          await deployment.stopInstance(instance),
          0,
          `${instance.name} drained and exited cleanly`
        )
        await deployment.startInstance(instance)
        await deployment.waitForBalancer(
          (states) => states.get(instance.name) === 'UP',
          `${instance.name} UP again`
        )
      }
    })
    const statuses = deployment.statuses()
    figures.balancer_statuses = Object.fromEntries(
      [...new Set(statuses)].map((status) => [status, statuses.filter((s) => s === status).length])
    )
    const serverErrors = statuses.filter((status) => status >= 500)
    assert.deepStrictEqual(serverErrors, [], 'the balancer answered no request with a 5xx')
  })

  it('loses and doubles nothing when an instance is killed, and says its people are offline', async () => {
    const { world: victimWorld } = await bookingChannel(seeding.app)
    // The instance holding the most of the people's connections
    const connections = await Promise.all(
      deployment.instances.map((instance) => openConnections(instance.url))
    )
    const doomed = deployment.instances[connections.indexOf(Math.max(...connections))]
    // Straight to the instance that dies, so that its person has no connection elsewhere
    await socketClient(doomed.url, victimWorld.worker)
    const observer = new Person(deployment.url, victimWorld.supervisor, channelId)
    await observer.client.authenticate({
      strategy: 'local',
      email: victimWorld.supervisor.email,
      password: victimWorld.supervisor.password
    })
    const offline = nextEvent(
      observer.client,
      'presence',
      'patched',
      (status) => status.user_id === victimWorld.worker.id && !status.online,
      120_000
    )
    await underLoad('SIGKILL', async () => {
      const killedAt = Date.now()
      await deployment.killInstance(doomed)
      await offline
      figures.offline_after_kill_ms = Date.now() - killedAt
      await deployment.startInstance(doomed)
      await deployment.waitForBalancer(
        (states) => states.get(doomed.name) === 'UP',
        `${doomed.name} UP again`
      )
    })
    observer.close()
    assert.ok(
      (figures.offline_after_kill_ms as number) <= (PRESENCE_EXPIRY_SECONDS + 2) * 1000,
      'offline within the expiry and a heartbeat'
    )
  })
})
