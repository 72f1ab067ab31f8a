import assert from 'assert'
import { sanitizeText as sanitizeContent } from '../../../../src/sanitize-text'
import { useServer } from '../../../helpers/app'
import type { BookingWorld } from '../../../helpers/factories'
import { http, login, nextEvent, socketClient } from '../../../helpers/clients'
import type { ClientApplication, Message } from '../../../../src/client'
import { countMessages } from '../../../helpers/database'
import { bookingChannelWithClients, bookingWorld } from '../../../helpers/fixtures'

const EMOJI = '\u{1F600}' // 😀: one character, two UTF-16 code units

/** Input → the content that must be stored. */
const accepted: [string, string, string][] = [
  ['a <script> element with its body', '<script>alert(1)</script>hi', 'hi'],
  ['a <style> element with its body', '<style>p{}</style>x', 'x'],
  ['tags around text', '<b>bold</b> and <i>it</i>', 'bold and it'],
  ['upper-case script with attributes', '<SCRIPT type="text/javascript">steal()</SCRIPT>ok', 'ok'],
  ['a comparison with an ampersand', 'a < b & c', 'a < b & c'],
  ['a heart', 'I <3 you', 'I <3 you'],
  ['entities as typed', 'fish &amp; chips &lt;3', 'fish &amp; chips &lt;3'],
  ['NFC: e + combining acute', 'e\u0301', '\u00e9'],
  ['NFC inside a word', 'cafe\u0301 au lait', 'caf\u00e9 au lait'],
  ['control characters', 'a\u0000b\u0007c\u001bd\u007fe\rf', 'abcdef'],
  ['newline and tab kept', 'line one\nline\ttwo', 'line one\nline\ttwo'],
  ['CRLF becomes LF', 'one\r\ntwo', 'one\ntwo'],
  ['surrounding whitespace', '  \n\t hello there \t\n ', 'hello there'],
  ['inner whitespace kept', 'two  spaces', 'two  spaces'],
  ['an unclosed <script> removes the rest', 'before <script>alert(1) and everything after', 'before'],
  ['an unclosed <style> removes the rest', 'before<style>body{display:none}', 'before'],
  ['emoji kept', `hi ${EMOJI}`, `hi ${EMOJI}`],
  // "Trojan Source": shown as "pay 100 to Ben", stored as "pay 001 ot neB" read backwards
  ['a right-to-left override', 'pay \u202Eneb ot 001\u202C', 'pay neb ot 001'],
  ['an isolate', 'ok \u2067x\u2069 done', 'ok x done'],
  ['right-to-left marks kept', 'שלום\u200F 123', 'שלום\u200F 123']
]

/** Input that is empty once sanitized. */
const empty: [string, string][] = [
  ['only spaces', '   '],
  ['only whitespace and controls', ' \n\t\u0000\r '],
  ['an empty paragraph', '<p></p>'],
  ['only a script', '<script>x</script>'],
  ['only a style', '<style>p{color:red}</style>'],
  ['only tags and spaces', ' <br/> <hr> '],
  ['an empty string', '']
]

const NESTED_TRICK = '<scr<b>ipt>alert(1)</script>'
// A browser reads "<scr<b>" as one tag named "scr<b": what follows it is text, not a script
const NESTED_TRICK_TEXT = 'ok ipt>alert(1)'

describe('content sanitizing', () => {
  describe('sanitizeContent() (unit)', () => {
    for (const [label, input, expected] of accepted) {
      it(`${label}: ${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
        assert.strictEqual(sanitizeContent(input), expected)
      })
    }

    for (const [label, input] of empty) {
      it(`${label}: ${JSON.stringify(input)} → empty`, () => {
        assert.strictEqual(sanitizeContent(input), '')
      })
    }

    it('leaves no <script after the nested trick', () => {
      for (const input of [
        NESTED_TRICK,
        `ok ${NESTED_TRICK}`,
        '<scr<script>x</script>ipt>alert(1)</script>',
        '<<b>script>alert(1)<</b>/script>'
      ]) {
        const output = sanitizeContent(input)
        assert.ok(!/<\s*\/?\s*script/i.test(output), `${JSON.stringify(input)} → ${JSON.stringify(output)}`)
      }
      assert.strictEqual(sanitizeContent(`ok ${NESTED_TRICK}`), NESTED_TRICK_TEXT)
    })

    it('is stable: sanitizing sanitized text changes nothing', () => {
      for (const [, input] of accepted) {
        const once = sanitizeContent(input)
        assert.strictEqual(sanitizeContent(once), once, JSON.stringify(input))
      }
    })
  })

  describe('through messages.create over Socket.io', () => {
    const server = useServer()
    let world: BookingWorld
    let channelId: number
    let client: ClientApplication

    const db = () => server.app.get('postgresqlClient')
    const storedContent = async (id: number) =>
      (await db()('chat_messages').where({ id }).first('content')).content

    before(async () => {
      ;({
        world,
        channelId,
        clients: { worker: client }
      } = await bookingChannelWithClients(server, { connected: ['worker'] }))
    })

    it('stores exactly the sanitized content for every accepted input', async () => {
      for (const [label, input, expected] of accepted) {
        const sent = await client.service('messages').create({ channel_id: channelId, content: input })
        assert.strictEqual(sent.content, expected, `${label}: the result`)
        assert.strictEqual(await storedContent(sent.id), expected, `${label}: the stored row`)
        const read = await client.service('messages').get(sent.id)
        assert.strictEqual(read.content, expected, `${label}: read back`)
      }
    })

    it('delivers the sanitized content, not the raw input, to other participants', async () => {
      const supervisor = await socketClient(server.url, world.supervisor)
      const arrived = nextEvent(
        supervisor,
        'messages',
        'created',
        (message) => message.channel_id === channelId && message.sender_id === world.worker.id
      )
      const sent = await client
        .service('messages')
        .create({ channel_id: channelId, content: '<script>alert(1)</script>hi <b>there</b>' })
      const received = await arrived
      assert.strictEqual(received.id, sent.id)
      assert.strictEqual(received.content, 'hi there')
    })

    it('refuses content that is empty once sanitized with 400 and writes nothing', async () => {
      const before = await countMessages(server, channelId)
      for (const [label, input] of empty) {
        let error: any
        try {
          await client.service('messages').create({ channel_id: channelId, content: input })
        } catch (caught) {
          error = caught
        }
        assert.ok(error, `${label}: refused`)
        assert.strictEqual(error.code, 400, `${label}: ${error.code} ${error.message}`)
        assert.strictEqual(error.name, 'BadRequest', label)
      }
      assert.strictEqual(await countMessages(server, channelId), before)
    })

    it('refuses an empty message in the context form without opening a channel', async () => {
      const other = await bookingWorld(server.app)
      const otherClient = await socketClient(server.url, other.worker)
      let error: any
      try {
        await otherClient
          .service('messages')
          .create({ context_type: 'booking', context_id: other.booking.id, content: '<script>x</script>' })
      } catch (caught) {
        error = caught
      }
      assert.strictEqual(error?.code, 400)
      const channels = await db()('chat_channels').where({
        context_type: 'booking',
        context_id: other.booking.id
      })
      assert.deepStrictEqual(channels, [])
    })

    it('accepts exactly 4000 characters and refuses 4001 with 400', async () => {
      const before = await countMessages(server, channelId)
      const max = 'a'.repeat(4000)
      const sent = await client.service('messages').create({ channel_id: channelId, content: max })
      assert.strictEqual(sent.content, max)
      assert.strictEqual(await storedContent(sent.id), max)

      let error: any
      try {
        await client.service('messages').create({ channel_id: channelId, content: 'a'.repeat(4001) })
      } catch (caught) {
        error = caught
      }
      assert.strictEqual(error?.code, 400, `4001: ${error?.code} ${error?.message}`)
      assert.strictEqual(await countMessages(server, channelId), before + 1)
    })

    it('counts characters, not UTF-16 units: 4000 astral emoji are accepted, 4001 are not', async () => {
      const before = await countMessages(server, channelId)
      const emoji = EMOJI.repeat(4000)
      assert.strictEqual(emoji.length, 8000)
      const sent = await client.service('messages').create({ channel_id: channelId, content: emoji })
      assert.strictEqual(sent.content, emoji)
      assert.strictEqual(await storedContent(sent.id), emoji)

      let error: any
      try {
        await client.service('messages').create({ channel_id: channelId, content: EMOJI.repeat(4001) })
      } catch (caught) {
        error = caught
      }
      assert.strictEqual(error?.code, 400, `4001 emoji: ${error?.code} ${error?.message}`)
      assert.strictEqual(await countMessages(server, channelId), before + 1)
    })

    it('leaves no <script after the nested trick', async () => {
      const sent = await client
        .service('messages')
        .create({ channel_id: channelId, content: `ok ${NESTED_TRICK}` })
      assert.ok(!/<\s*script/i.test(sent.content!), sent.content)
      const stored = await storedContent(sent.id)
      assert.ok(!/<\s*script/i.test(stored), stored)
      assert.strictEqual(stored, NESTED_TRICK_TEXT)
    })

    it('sanitizes the same way over plain HTTP', async () => {
      const token = await login(server.url, world.supervisor)
      const response = await http<Message>(server.url, 'POST', '/messages', {
        token,
        body: { channel_id: channelId, content: ' <style>p{}</style><b>bold</b> a < b & c\u0007 e\u0301 ' }
      })
      assert.strictEqual(response.status, 201, response.text)
      assert.strictEqual(response.body.content, 'bold a < b & c \u00e9')
      assert.strictEqual(await storedContent(response.body.id), 'bold a < b & c \u00e9')
    })
  })
})
