import assert from 'assert'
import { decide } from '../../../src/modules/notifications/delivery-rules'
import type { DeliveryFacts } from '../../../src/modules/notifications/delivery-rules'

describe('delivery rules', () => {
  const now = new Date('2026-11-24T12:00:00Z')

  /** A delivery that goes out: every rule passes. */
  const facts = (
    overrides: Partial<DeliveryFacts> = {},
    recipient: Partial<DeliveryFacts['recipient']> = {}
  ): DeliveryFacts => ({
    kind: 'sms',
    message: { is_deleted: false, seq: 5 },
    participant: { last_read_seq: 4, muted: false },
    recipient: {
      disabled: false,
      online: false,
      timezone: 'UTC',
      quiet_hours_start: null,
      quiet_hours_end: null,
      ...recipient
    },
    to: '+15550001234',
    last_sent_at: null,
    coalesce_seconds: 300,
    ...overrides
  })

  it('sends to the address when every rule passes', () => {
    assert.deepStrictEqual(decide(facts(), now), { action: 'send', to: '+15550001234' })
  })

  it('skips, naming why, in the order the specification gives', () => {
    const skip = (reason: string) => ({ action: 'skip', reason })
    assert.deepStrictEqual(
      decide(facts({ message: { is_deleted: true, seq: 5 }, participant: null }), now),
      skip('the message was deleted')
    )
    assert.deepStrictEqual(
      decide(facts({ participant: null }, { disabled: true }), now),
      skip('no longer a participant')
    )
    assert.deepStrictEqual(decide(facts({}, { disabled: true, online: true }), now), skip('account disabled'))
    assert.deepStrictEqual(
      decide(facts({ participant: { last_read_seq: 5, muted: true } }, { online: true }), now),
      skip('online')
    )
    assert.deepStrictEqual(
      decide(facts({ participant: { last_read_seq: 5, muted: true } }), now),
      skip('already read')
    )
    assert.deepStrictEqual(
      decide(facts({ participant: { last_read_seq: 4, muted: true }, to: null }), now),
      skip('channel muted')
    )
    assert.deepStrictEqual(decide(facts({ to: null }), now), skip('no phone number'))
    assert.deepStrictEqual(decide(facts({ kind: 'push', to: null }), now), skip('the device was removed'))
  })

  it('defers to the end of the recipient’s quiet hours, in their time zone, before coalescing', () => {
    // São Paulo is UTC-3 all year: 12:00 UTC is 09:00 there, inside 08:00–10:00
    const quiet = { timezone: 'America/Sao_Paulo', quiet_hours_start: '08:00', quiet_hours_end: '10:00' }
    const lastSent = new Date('2026-11-24T11:59:00Z')
    assert.deepStrictEqual(decide(facts({ last_sent_at: lastSent }, quiet), now), {
      action: 'defer',
      until: new Date('2026-11-24T13:00:00Z'),
      reason: 'quiet hours'
    })
  })

  it('defers to the end of the coalescing window after the last notification, and sends once it is over', () => {
    const lastSent = new Date('2026-11-24T11:58:00Z')
    assert.deepStrictEqual(decide(facts({ last_sent_at: lastSent }), now), {
      action: 'defer',
      until: new Date('2026-11-24T12:03:00Z'),
      reason: 'coalescing'
    })
    assert.strictEqual(
      decide(facts({ last_sent_at: lastSent }), new Date('2026-11-24T12:03:00Z')).action,
      'send'
    )
  })
})
