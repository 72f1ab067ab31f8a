import assert from 'assert'
import type { Knex } from 'knex'
import { HistoryRewrittenError, heldHead, openChannelStream } from '../src/client'
import type { Message } from '../src/client'
import { createKnex } from '../src/database/postgresql'
import { useServer } from './helpers/app'
import { waitUntil } from './helpers/clients'
import { testDatabaseUrl } from './helpers/database'
import { rewriteAsOwner } from './helpers/evidence'
import { bookingChannelWithClients } from './helpers/fixtures'

/**
 * The client's channel stream keeps the newest signed head it saw of each channel (the
 * channel's checkpoints, read at every fill) and says loudly, with a typed error, when
 * the server later shows a history that does not extend it.
 */
describe('the client channel stream holds the heads it saw', function () {
  this.timeout(120_000)
  const server = useServer()
  let owner: Knex
  before(() => {
    owner = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
  })
  after(() => owner.destroy())

  async function streamed() {
    const world = await bookingChannelWithClients(server, { connected: ['worker', 'supervisor'] })
    for (const content of ['one', 'two', 'three'])
      await world.clients.worker.service('messages').create({ channel_id: world.channelId, content })
    await server.app.service('checkpoints').create({ channel_id: world.channelId })
    return world
  }

  function open(world: Awaited<ReturnType<typeof streamed>>) {
    const handed: Message[] = []
    const rewritten: HistoryRewrittenError[] = []
    const errors: unknown[] = []
    const stream = openChannelStream(world.clients.supervisor, world.channelId, {
      onMessage: (message) => handed.push(message),
      onHistoryRewritten: (error) => rewritten.push(error),
      onError: (error) => errors.push(error)
    })
    return { stream, handed, rewritten, errors }
  }

  it('keeps the newest head, and a history that only grew raises nothing', async () => {
    const world = await streamed()
    const first = open(world)
    await waitUntil(() => heldHead(world.clients.supervisor, world.channelId)?.seq === 3, 'the head is held')
    first.stream.close()
    await world.clients.worker.service('messages').create({ channel_id: world.channelId, content: 'four' })
    await server.app.service('checkpoints').create({ channel_id: world.channelId })
    const second = open(world)
    await waitUntil(
      () => heldHead(world.clients.supervisor, world.channelId)?.seq === 4,
      'the newer head is held'
    )
    second.stream.close()
    assert.deepStrictEqual([...first.rewritten, ...second.rewritten, ...first.errors, ...second.errors], [])
  })

  it('raises HistoryRewrittenError when the owner cuts the tail and the server signs the shorter history', async () => {
    const world = await streamed()
    const first = open(world)
    await waitUntil(() => heldHead(world.clients.supervisor, world.channelId)?.seq === 3, 'the head is held')
    first.stream.close()
    const held = heldHead(world.clients.supervisor, world.channelId)!

    await rewriteAsOwner(owner, world.channelId, (record) => {
      record.messages = record.messages.filter((m) => m.seq <= 2)
      record.events = record.events.filter((e) => e.after_seq <= 2)
    })
    await server.app.service('checkpoints').create({ channel_id: world.channelId })

    const second = open(world)
    await waitUntil(() => second.rewritten.length > 0, 'the stream said the history was rewritten')
    second.stream.close()
    const [error] = second.rewritten
    assert.ok(error instanceof HistoryRewrittenError)
    assert.strictEqual(error.channelId, world.channelId)
    assert.deepStrictEqual(error.held, held)
    assert.strictEqual(error.shown.seq, 2)
    assert.match(error.message, /does not extend the head this client saw: it held 3 messages/)
    assert.ok(second.errors.includes(error), 'onError hears it too')
    // The held head stays the one the client saw first: the evidence is not replaced by the rewrite
    assert.deepStrictEqual(heldHead(world.clients.supervisor, world.channelId), held)
  })
})
