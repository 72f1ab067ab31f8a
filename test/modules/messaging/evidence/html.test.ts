import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { buildAdmin } from '../../../helpers/factories'
import { bookingChannel } from '../../../helpers/fixtures'
import type { BookingWorld, TestUser } from '../../../helpers/factories'
import { transcriptHtml } from '../../../../src/modules/messaging/evidence/html'
import type { Transcript } from '../../../../src/modules/messaging/services/transcripts/transcripts.schema'

/**
 * The page a judge reads must not mislead: every person with user id and email, an
 * admin's acts under the admin's name, each text isolated so right-to-left words cannot
 * turn the line around them, and characters that reorder text shown, not obeyed.
 */
describe('the transcript a judge reads', function () {
  this.timeout(120_000)

  const server = useServer()
  let world: BookingWorld
  let admin: TestUser
  let transcript: Transcript
  let html: string

  before(async () => {
    const opened = await bookingChannel(server.app)
    world = opened.world
    admin = await buildAdmin(server.app)
    const { channelId } = opened
    const said = await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'Pay 100' }, { user: world.worker })
    await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'שלום, see you at 8' }, { user: world.supervisor })
    await server.app.service('messages').remove(said.id, { user: admin })
    transcript = await server.app.service('transcripts').get(channelId)
    html = transcriptHtml(transcript)
  })

  it('exports everyone the record names, with user id, name, email and whether an admin', () => {
    const participants = transcript.participants.map((p) => p.user_id)
    assert.deepStrictEqual(
      transcript.people.map((person) => person.id),
      [...new Set([...participants, admin.id])].sort((a, b) => a - b)
    )
    const adminEntry = transcript.people.find((person) => person.id === admin.id)
    assert.deepStrictEqual(adminEntry, { id: admin.id, name: admin.name, email: admin.email, admin: true })
    const worker = transcript.people.find((person) => person.id === world.worker.id)
    assert.deepStrictEqual(worker, {
      id: world.worker.id,
      name: world.worker.name,
      email: world.worker.email,
      admin: false
    })
  })

  it('shows the user id and email of every person', () => {
    for (const person of transcript.people) {
      assert.ok(
        html.includes(
          `<tr><td><bdi>${person.name}</bdi></td><td>${person.id}</td><td><bdi>${person.email}</bdi></td>`
        ),
        `${person.name} with id and email`
      )
    }
    assert.ok(html.includes(`<strong><bdi>${world.worker.name}</bdi> (user ${world.worker.id})</strong>`))
  })

  it('names an admin deleter by name, as an admin, not as "user N"', () => {
    assert.match(
      html,
      new RegExp(`class="label">Deleted [^<]+ by <bdi>${admin.name}</bdi> \\(user ${admin.id}, admin\\)<`)
    )
    assert.ok(!html.includes(`by user ${admin.id}`))
  })

  it('isolates every message text in <bdi>', () => {
    assert.ok(html.includes('<div class="content"><bdi>Pay 100</bdi></div>'))
    assert.ok(html.includes('<div class="content"><bdi>שלום, see you at 8</bdi></div>'))
  })

  it('shows bidirectional characters a message stored before the sanitizer dropped them still holds', () => {
    // Such words reach the page only from older rows: the sanitizer removes them from new text
    const older = structuredClone(transcript)
    older.messages[0].content = 'pay \u202Eneb ot 001\u202C and \u2067x\u2069 \u200F'
    older.people[0].name = 'Eve\u202E'
    const page = transcriptHtml(older)
    assert.ok(!/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/.test(page), 'none left to obey')
    assert.ok(
      page.includes(
        '<bdi>pay <span class="control">⟨U+202E⟩</span>neb ot 001<span class="control">⟨U+202C⟩</span> and ' +
          '<span class="control">⟨U+2067⟩</span>x<span class="control">⟨U+2069⟩</span> <span class="control">⟨U+200F⟩</span></bdi>'
      ),
      page
    )
    assert.ok(page.includes('<bdi>Eve<span class="control">⟨U+202E⟩</span></bdi>'))
  })
})
