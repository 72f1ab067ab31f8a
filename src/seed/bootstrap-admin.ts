import type { Application } from '../declarations'
import { logger } from '../logging/logger'

/** Creates the configured first admin, once: later starts (and other instances) find it. */
export async function ensureBootstrapAdmin(app: Application) {
  const { email, password } = app.get('bootstrapAdmin')
  if (!email || !password) return
  const existing = await app.service('users').find({ query: { email: email.toLowerCase(), $limit: 1 } })
  if (existing.total > 0) return
  try {
    await app.service('users').create({ email, password, name: 'Administrator', role: 'admin' })
    logger.info('created the bootstrap admin', { email })
  } catch (error: any) {
    // Another instance created it first
    if (error?.code !== 409) throw error
  }
}
