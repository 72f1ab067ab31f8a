import fs from 'fs'
import os from 'os'
import path from 'path'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { buildWeb } from '../../scripts/build-web'
import type { TestUser } from './factories'
import { FEWEST_PACKETS_PER_WINDOW } from '../../src/socketio/packet-budget'

const CHROMIUM = '/usr/bin/chromium'
export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts')
// Waits on page state are generous: the browser shares two cores with the server and database
const WAIT_MS = 20_000

/**
 * Debian's Chromium for the enclosing suite, and the chat page built into a folder of
 * its own: start the page's server with `serverSettings` (`public` is `outdir`). Each
 * `newPage()` is a separate browser context, a person of their own.
 */
export function useBrowser() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-page-'))
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []

  before(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`)
    await buildWeb(outdir)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
    })
  })

  after(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {})
    await browser?.close()
    fs.rmSync(outdir, { recursive: true, force: true })
  })

  return {
    outdir,
    // The smallest packet budget the app defaults to: a change that makes the page send
    // bursts fails here instead of cutting people off
    serverSettings: { public: outdir, connections: { packets_per_10_seconds: FEWEST_PACKETS_PER_WINDOW } },
    /** A desktop-sized window unless `options` say otherwise (a phone: `PHONE`). */
    async newPage(options: BrowserContextOptions = {}) {
      const context = await browser!.newContext({ viewport: { width: 1100, height: 720 }, ...options })
      context.setDefaultTimeout(WAIT_MS)
      contexts.push(context)
      return context.newPage()
    }
  }
}

/** A phone-sized screen, touch only. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true
}

export async function signIn(page: Page, url: string, who: TestUser) {
  await page.goto(url)
  await page.getByLabel('Email').fill(who.email)
  await page.getByLabel('Password').fill(who.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}

export const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' })
export const messageItem = (page: Page, text: string) =>
  messageLog(page).locator('li').filter({ hasText: text })
export const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message' })
export const channelButton = (page: Page, title: RegExp) =>
  page.getByRole('navigation').getByRole('button', { name: title })

/** Opens one's own message's actions and chooses "Delete…": the confirmation is then open. */
export async function askToDelete(page: Page, text: string) {
  await messageItem(page, text).getByRole('button', { name: 'Message actions' }).click()
  await messageItem(page, text).getByRole('button', { name: 'Delete…' }).click()
  return page.getByRole('dialog', { name: 'Delete this message?' })
}
