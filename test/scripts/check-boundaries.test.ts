import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { findViolations } from '../../scripts/check-boundaries'

describe('module boundary check', () => {
  let root: string
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'boundaries-'))
  })
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

  it('passes on this repository', () => {
    assert.deepStrictEqual(findViolations(path.join(__dirname, '..', '..')), [])
  })

  it('fails when messaging imports a vendor SDK or the notifications module', () => {
    write('src/modules/messaging/hooks/a.ts', `import twilio from 'twilio'\n`)
    write('src/modules/messaging/services/b.ts', `const admin = require('firebase-admin/messaging')\n`)
    write('src/modules/messaging/gateways/c.ts', `import { schedule } from '../../notifications/scheduler'\n`)
    write('src/modules/messaging/d.ts', `export { x } from '../notifications'\n`)
    write('src/modules/notifications/providers/twilio.ts', `import twilio from 'twilio'\n`)
    const violations = findViolations(root)
    assert.strictEqual(violations.length, 4, violations.join('\n'))
    assert.ok(violations.every((line) => line.startsWith('src/modules/messaging/')))
  })

  it('fails when a messaging service imports a gateway', () => {
    write(
      'src/modules/messaging/services/presence/presence.class.ts',
      `import { rooms } from '../../gateways/rooms'\n`
    )
    write('src/modules/messaging/gateways/realtime.ts', `import { x } from '../services/messages/messages'\n`)
    const violations = findViolations(root)
    assert.deepStrictEqual(violations.length, 1, violations.join('\n'))
    assert.match(
      violations[0],
      /^src\/modules\/messaging\/services\/presence\/presence\.class\.ts imports '\.\.\/\.\.\/gateways\/rooms'/
    )
  })

  it('fails when messaging imports contexts, or contexts import messaging', () => {
    write(
      'src/modules/messaging/services/channels/channels.schema.ts',
      `import { bookingStatuses } from '../../../contexts/bookings/bookings.schema'\n`
    )
    write(
      'src/modules/messaging/index.ts',
      `import type { Dispute } from '../contexts/disputes/disputes.schema'\n`
    )
    write(
      'src/modules/contexts/bookings/bookings.ts',
      `import { reconcile } from '../../messaging/services/channels/membership'\n`
    )
    // Both may share what sits outside modules, and each its own files
    write(
      'src/modules/messaging/services/channels/membership.ts',
      `import { isOver } from '../../../../context-statuses'\n`
    )
    write(
      'src/modules/contexts/bookings/bookings.schema.ts',
      `import { bookingStatuses } from '../../../context-statuses'\nimport { x } from './bookings.class'\n`
    )
    const violations = findViolations(root)
    assert.deepStrictEqual(
      violations.map((line) => line.split(' imports ')[0]).sort(),
      [
        'src/modules/contexts/bookings/bookings.ts',
        'src/modules/messaging/index.ts',
        'src/modules/messaging/services/channels/channels.schema.ts'
      ],
      violations.join('\n')
    )
  })

  it('fails when the event map imports a module', () => {
    write(
      'src/events.ts',
      `import type { Channel } from './modules/messaging/services/channels/channels.schema'\nimport type { Id } from './schema-types'\n`
    )
    const violations = findViolations(root)
    assert.deepStrictEqual(violations.length, 1, violations.join('\n'))
    assert.match(violations[0], /^src\/events\.ts imports/)
  })

  it('allows messaging to import its own files and shared code', () => {
    write('src/modules/messaging/a.ts', `import { logger } from '../../logger'\nimport { b } from './b'\n`)
    assert.deepStrictEqual(findViolations(root), [])
  })
})
