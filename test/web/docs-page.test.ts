import assert from 'assert'
import { useServer } from '../helpers/app'
import { useBrowser } from '../helpers/browser'

/**
 * Swagger UI under the docs page's content security policy: every script, style and
 * request it needs must be one the policy allows, or the page would render blank.
 */
describe('the docs page in Chromium', function () {
  this.timeout(120_000)
  const browser = useBrowser()
  const server = useServer()

  it('renders the API and runs "Try it out" without breaking its policy', async () => {
    const page = await browser.newPage()
    const violations: string[] = []
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text))
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (event) =>
        (window as any).reportViolation(`${event.violatedDirective}: ${event.blockedURI}`)
      )
    )
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
    })

    await page.goto(`${server.url}/docs`)
    await page
      .getByRole('heading', { name: /context-chat/ })
      .first()
      .waitFor()
    const operation = page.locator('.opblock-get').filter({ hasText: '/channels' }).first()
    await operation.locator('.opblock-summary').first().click()
    await operation.getByRole('button', { name: 'Try it out' }).click()
    await operation.getByRole('button', { name: 'Execute' }).click()
    // Unauthenticated, the API answers 401: the request left and its answer came back
    await operation.locator('.live-responses-table .response-col_status').filter({ hasText: '401' }).waitFor()

    assert.deepStrictEqual(violations, [])
  })
})
