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
    write('src/modules/messaging/live/c.ts', `import { schedule } from '../../notifications/scheduler'\n`)
    write('src/modules/messaging/d.ts', `export { x } from '../notifications'\n`)
    write('src/modules/notifications/providers/twilio.ts', `import twilio from 'twilio'\n`)
    const violations = findViolations(root)
    assert.strictEqual(violations.length, 4, violations.join('\n'))
    assert.ok(violations.every((line) => line.startsWith('src/modules/messaging/')))
  })

  it('fails when a messaging service imports the live side', () => {
    write(
      'src/modules/messaging/services/presence/presence.class.ts',
      `import { rooms } from '../../live/rooms'\n`
    )
    write('src/modules/messaging/live/realtime.ts', `import { x } from '../services/messages/messages'\n`)
    const violations = findViolations(root)
    assert.deepStrictEqual(violations.length, 1, violations.join('\n'))
    assert.match(
      violations[0],
      /^src\/modules\/messaging\/services\/presence\/presence\.class\.ts imports '\.\.\/\.\.\/live\/rooms'/
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

  it('fails when the Socket.io edge imports a module', () => {
    write(
      'src/socketio/connection-lifecycle.ts',
      `import type { User } from '../modules/identity/users/users.schema'\n`
    )
    write('src/socketio/rooms.ts', `import { rooms } from '../modules/messaging'\n`)
    const violations = findViolations(root)
    assert.strictEqual(violations.length, 2, violations.join('\n'))
    assert.ok(
      violations.every((line) => line.startsWith('src/socketio/') && line.includes('modules register'))
    )
  })

  it('fails when anything below http imports it, the metrics registry included', () => {
    write('src/socketio/a.ts', `import { isDraining } from '../http/shutdown'\n`)
    write('src/modules/messaging/live/b.ts', `import { httpErrors } from '../../../http/errors'\n`)
    write('src/hooks/c.ts', `import { openApi } from '../http/openapi'\n`)
    write('src/limits/d.ts', `import { health } from '../http/health'\n`)
    write('src/database/e.ts', `export * from '../http'\n`)
    write('src/socketio/metrics-user.ts', `import { metricsOf } from '../http/metrics'\n`)
    write('src/metrics/f.ts', `import { checkReadiness } from '../http/readiness'\n`)
    write('src/app.ts', `import { health } from './http/health'\n`)
    const violations = findViolations(root)
    assert.deepStrictEqual(
      violations.map((line) => line.split(' ')[0]),
      [
        'src/socketio/a.ts',
        'src/socketio/metrics-user.ts',
        'src/modules/messaging/live/b.ts',
        'src/hooks/c.ts',
        'src/limits/d.ts',
        'src/database/e.ts',
        'src/metrics/f.ts'
      ],
      violations.join('\n')
    )
  })

  it('fails when a floor imports a module or the Socket.io edge', () => {
    write('src/logging/logger.ts', `import type { User } from '../modules/identity/users/users.schema'\n`)
    write(
      'src/redis/redis.ts',
      `import { presence } from '../modules/messaging/services/presence/presence'\n`
    )
    write('src/limits/rate-limit.ts', `const { x } = require('../modules/notifications')\n`)
    write('src/cache/expiring-cache.ts', `import { y } from '../modules/identity/user-changes'\n`)
    write('src/process/teardown.ts', `import { closeTransports } from '../socketio/end-connections'\n`)
    const violations = findViolations(root)
    assert.strictEqual(violations.length, 5, violations.join('\n'))
    assert.ok(violations.every((line) => line.includes('the floors are shared mechanisms')))
  })

  it('fails when an app-wide hook imports a module', () => {
    write(
      'src/hooks/limit-call-rate.ts',
      `import type { User } from '../modules/identity/users/users.schema'\n`
    )
    const violations = findViolations(root)
    assert.strictEqual(violations.length, 1, violations.join('\n'))
    assert.match(
      violations[0],
      /^src\/hooks\/limit-call-rate\.ts imports .*app-wide hooks run for every module/
    )
  })

  it('allows messaging to import its own files and shared code', () => {
    write('src/modules/messaging/a.ts', `import { logger } from '../../logger'\nimport { b } from './b'\n`)
    assert.deepStrictEqual(findViolations(root), [])
  })
})
