/**
 * The contact-details guard: its quality over the corpus in test/fixtures/contact-corpus
 * (recall over hidden contact details, false positives over ordinary marketplace
 * messages), the CPU of one detection, and what it adds to a send.
 *
 *   npm run bench -- --contact-guard [--guard-sends 600 --guard-rounds 4]
 *
 * The send figure compares, in one run, sends of the corpus's ordinary messages to an app
 * with every policy off (the guard looks at nothing) and to one with the defaults, in
 * alternating rounds so that the shared machine's drift falls on both; the app and its
 * client share this process, so the share is of the process's CPU per send.
 */
import { createTestDatabase, dropTestDatabase } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import type { TestServer } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import { closeClients, socketClient } from '../test/helpers/clients'
import { detectContactDetails } from '../src/modules/messaging/contact-guard/detect'
import { DEFAULT_CONTACT_GUARD } from '../src/modules/messaging/contact-guard/policy'
import { hiddenContactDetails, measureCorpus, ordinaryMessages } from '../test/fixtures/contact-corpus'
import { round } from './figures'
import { option } from './options'

const cpuMicros = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

/** CPU microseconds of one detection, over every message of `texts`, `rounds` times. */
function detectMicros(texts: string[], rounds: number) {
  for (const text of texts) detectContactDetails(text, DEFAULT_CONTACT_GUARD)
  const before = cpuMicros()
  for (let round = 0; round < rounds; round++) {
    for (const text of texts) detectContactDetails(text, DEFAULT_CONTACT_GUARD)
  }
  return (cpuMicros() - before) / (texts.length * rounds)
}

async function sender(server: TestServer) {
  // a confirmed booking: the defaults flag there, so a detail would cost a finding
  const world = await buildBooking(server.app)
  const channel = await openBookingChannel(server.app, world)
  const client = await socketClient(server.url, world.worker)
  let next = 0
  return async (count: number) => {
    const before = cpuMicros()
    for (let i = 0; i < count; i++) {
      const content = ordinaryMessages[next++ % ordinaryMessages.length]
      await client.service('messages').create({ channel_id: channel.id, content })
    }
    return cpuMicros() - before
  }
}

export async function contactGuard() {
  const quality = measureCorpus()
  const figures: Record<string, unknown> = {
    corpus: { hidden_contact_details: quality.hidden, ordinary_messages: quality.ordinary },
    recall_percent: round(quality.recall * 100, 1),
    false_positive_percent: round(quality.false_positive_rate * 100, 2),
    missed: quality.missed,
    false_positives: quality.false_positives,
    detect_cpu_us_per_message: {
      ordinary: round(detectMicros(ordinaryMessages, 5), 1),
      hidden: round(detectMicros(hiddenContactDetails, 5), 1)
    }
  }
  const sends = option('guard-sends', 600)
  const rounds = option('guard-rounds', 6)
  await createTestDatabase()
  const off = await startApp({
    contact_guard: { policies: { booking: { pending: 'off', confirmed: 'off' }, dispute: { open: 'off' } } }
  })
  const on = await startApp({})
  try {
    const [sendOff, sendOn] = [await sender(off), await sender(on)]
    await sendOff(100)
    await sendOn(100)
    let cpuOff = 0
    let cpuOn = 0
    // each goes first in every other round, so that neither always follows the other's garbage
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        cpuOff += await sendOff(sends)
        cpuOn += await sendOn(sends)
      } else {
        cpuOn += await sendOn(sends)
        cpuOff += await sendOff(sends)
      }
    }
    const perSendOff = cpuOff / (sends * rounds)
    const perSendOn = cpuOn / (sends * rounds)
    const detect = figures.detect_cpu_us_per_message as { ordinary: number }
    figures.send_cpu_us = {
      guard_off: round(perSendOff, 1),
      guard_on: round(perSendOn, 1),
      added_percent: round(((perSendOn - perSendOff) / perSendOff) * 100, 1),
      detect_share_percent: round((detect.ordinary / perSendOff) * 100, 2)
    }
  } finally {
    closeClients()
    await off.close()
    await on.close()
    await dropTestDatabase()
  }
  return { contact_guard: figures }
}
