import assert from 'assert'
import fs from 'fs'
import path from 'path'
import { createServer } from 'http'
import type { AddressInfo } from 'net'
import type { Page } from 'playwright-core'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import {
  ARTIFACTS,
  askToDelete,
  channelButton,
  messageBox,
  messageItem,
  messageLog,
  signIn,
  useBrowser
} from '../helpers/browser'

describe('the web chat page in Chromium', function () {
  this.timeout(180_000)
  const browser = useBrowser()
  const server = useServer(browser.serverSettings)
  const newPage = () => browser.newPage()

  describe('two people in one booking', () => {
    let world: BookingWorld
    let channelId: number
    let ana: Page
    let ben: Page

    before(async () => {
      ;({ world, channelId } = await bookingChannel(server.app, {
        profiles: { worker: { name: 'Ana Alvarez' }, supervisor: { name: 'Ben Brooks' } }
      }))
      await server.app
        .service('messages')
        .create({ channel_id: channelId, content: 'Shift starts at eight' }, { user: world.supervisor })
      ana = await newPage()
      ben = await newPage()
      await signIn(ana, server.url, world.worker)
      await signIn(ben, server.url, world.supervisor)
    })

    it('shows the channel with its title and the history with sender names', async () => {
      const borrower = await server.app.service('companies').get(world.borrowerCompanyId)
      const lender = await server.app.service('companies').get(world.lenderCompanyId)
      const title = `Booking #${world.booking.id} · ${borrower.name} ↔ ${lender.name}`
      for (const page of [ana, ben]) {
        await channelButton(page, new RegExp(`Booking #${world.booking.id}`))
          .filter({ hasText: 'Ben Brooks: Shift starts at eight' })
          .waitFor()
        await page.getByRole('heading', { name: title, exact: true }).waitFor()
        await page.getByText('Booking confirmed').waitFor()
        await messageItem(page, 'Shift starts at eight').filter({ hasText: 'Ben Brooks' }).waitFor()
      }
    })

    it('shows the other person online', async () => {
      await ana
        .locator('#people li.online')
        .filter({ hasText: 'Ben Brooks' })
        .filter({ hasText: '(online)' })
        .waitFor()
      await ben.locator('#people li.online').filter({ hasText: 'Ana Alvarez' }).waitFor()
    })

    it('shows the other person typing, and a message sent with Enter arrives live', async () => {
      const box = messageBox(ben)
      await box.pressSequentially('Are you on site, Ana?')
      await ana.getByText('Ben Brooks is typing…').waitFor()
      await box.press('Enter')
      await messageItem(ana, 'Are you on site, Ana?').filter({ hasText: 'Ben Brooks' }).waitFor()
      assert.strictEqual(await box.inputValue(), '', 'the box is emptied once the message is sent')
      await ana.getByText('Ben Brooks is typing…').waitFor({ state: 'hidden' })
    })

    it('shows the sender who has seen their message, once the reader viewed it', async () => {
      await ben.locator('#receipt').getByText('Seen by').filter({ hasText: 'Ana Alvarez' }).waitFor()
      const reader = await server.app
        .service('participants')
        .find({ query: { channel_id: channelId, user_id: world.worker.id } })
      assert.strictEqual(
        reader.data[0].last_read_seq,
        2,
        "viewing the channel moved Ana's read position to the newest message"
      )
    })

    it('answers with Enter in the other direction, newest at the bottom', async () => {
      await messageBox(ana).fill('Yes, at the gate')
      await messageBox(ana).press('Enter')
      await messageItem(ben, 'Yes, at the gate').waitFor()
      const texts = await messageLog(ben).locator('li p').allTextContents()
      assert.deepStrictEqual(texts.slice(-2), ['Are you on site, Ana?', 'Yes, at the gate'])
    })

    it('turns a deleted message into a placeholder for both', async () => {
      const confirmation = await askToDelete(ben, 'Are you on site, Ana?')
      await confirmation.getByRole('button', { name: 'Delete', exact: true }).click()
      for (const page of [ben, ana]) {
        await messageItem(page, 'Are you on site, Ana?').waitFor({ state: 'detached' })
        await messageLog(page).locator('li.deleted').filter({ hasText: 'Message deleted' }).waitFor()
      }
      assert.strictEqual(
        await messageLog(ana).locator('li.message').count(),
        3,
        'the placeholder keeps its place'
      )
    })

    it('keeps the session over a reload', async () => {
      await ana.reload()
      await ana.getByRole('button', { name: 'Sign out' }).waitFor()
      assert.strictEqual(await ana.getByLabel('Email').isVisible(), false, 'no second sign-in')
      await messageItem(ana, 'Yes, at the gate').waitFor()
      const texts = await messageLog(ana).locator('li p').allTextContents()
      assert.deepStrictEqual(
        texts,
        ['Shift starts at eight', 'Message deleted', 'Yes, at the gate'],
        'the history keeps the placeholder'
      )
      fs.mkdirSync(ARTIFACTS, { recursive: true })
      await ana.screenshot({ path: path.join(ARTIFACTS, 'chat-page.png') })
    })
  })

  describe('a page on another origin', () => {
    let foreign: ReturnType<typeof createServer>
    let foreignUrl: string

    before(async () => {
      // The marketplace's own front end: same page, served from another port, naming the API
      const html = (await (await fetch(server.url + '/')).text())
        .replace('<head>', `<head><meta name="chat-api" content="${server.url}" />`)
        .replace(/(href|src)="\/assets\//g, `$1="${server.url}/assets/`)
      foreign = createServer((_, response) =>
        response.writeHead(200, { 'Content-Type': 'text/html' }).end(html)
      )
      await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve))
      foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`
    })

    after(() => new Promise<void>((resolve) => foreign.close(() => resolve())))

    it('logs in over REST and connects with the default transports', async () => {
      const { world, channelId } = await bookingChannel(server.app)
      const page = await newPage()
      const polls: number[] = []
      page.on('response', (response) => {
        if (
          response.url().startsWith(`${server.url}/socket.io/`) &&
          response.url().includes('transport=polling')
        )
          polls.push(response.status())
      })
      await page.goto(foreignUrl)
      assert.notStrictEqual(new URL(page.url()).origin, server.url)

      const login = await page.evaluate(
        async ([api, email, password]) => {
          const response = await fetch(`${api}/authentication`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ strategy: 'local', email, password })
          })
          return { status: response.status, body: await response.json() }
        },
        [server.url, world.lenderAdmin.email, world.lenderAdmin.password]
      )
      assert.strictEqual(login.status, 201)
      assert.strictEqual(login.body.user.id, world.lenderAdmin.id)

      await page.getByLabel('Email').fill(world.lenderAdmin.email)
      await page.getByLabel('Password').fill(world.lenderAdmin.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('heading', { name: new RegExp(`Booking #${world.booking.id}`) }).waitFor()
      await server.app
        .service('messages')
        .create({ channel_id: channelId, content: 'Live across origins' }, { user: world.worker })
      await messageItem(page, 'Live across origins').waitFor()
      assert.ok(
        polls.length > 0 && polls.every((status) => status === 200),
        `long-polling answered ${polls.join(', ')}`
      )
    })
  })
})
