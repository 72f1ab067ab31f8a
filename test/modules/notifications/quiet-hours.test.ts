import assert from 'assert'
import { quietHoursEnd } from '../../../src/modules/notifications/quiet-hours'

describe('quiet hours', () => {
  const at = (iso: string) => new Date(iso)

  it('is outside the window when none is set', () => {
    assert.strictEqual(quietHoursEnd(at('2026-11-24T03:00:00Z'), 'UTC', null, null), null)
  })

  it('defers to the end of a same-day window', () => {
    assert.deepStrictEqual(
      quietHoursEnd(at('2026-11-24T13:30:00Z'), 'UTC', '13:00', '14:00'),
      at('2026-11-24T14:00:00Z')
    )
    assert.strictEqual(quietHoursEnd(at('2026-11-24T14:00:00Z'), 'UTC', '13:00', '14:00'), null)
    assert.strictEqual(quietHoursEnd(at('2026-11-24T12:59:00Z'), 'UTC', '13:00', '14:00'), null)
  })

  it('handles a window that crosses midnight in a non-UTC time zone, before and after midnight', () => {
    // São Paulo is UTC-3 all year: 22:00–07:00 local is 01:00–10:00 UTC
    const zone = 'America/Sao_Paulo'
    assert.deepStrictEqual(
      quietHoursEnd(at('2026-11-24T02:30:00Z'), zone, '22:00', '07:00'),
      at('2026-11-24T10:00:00Z')
    )
    assert.deepStrictEqual(
      quietHoursEnd(at('2026-11-24T09:59:00Z'), zone, '22:00', '07:00'),
      at('2026-11-24T10:00:00Z')
    )
    assert.strictEqual(quietHoursEnd(at('2026-11-24T10:00:00Z'), zone, '22:00', '07:00'), null)
    assert.strictEqual(quietHoursEnd(at('2026-11-24T00:59:00Z'), zone, '22:00', '07:00'), null)
  })

  it('ends at the local wall time across a daylight saving change', () => {
    // Berlin leaves summer time on 2026-10-25 at 03:00 local: 07:00 local that day is 06:00 UTC
    assert.deepStrictEqual(
      quietHoursEnd(at('2026-10-24T21:00:00Z'), 'Europe/Berlin', '22:00', '07:00'),
      at('2026-10-25T06:00:00Z')
    )
  })
})
