import { authenticateCaller } from '../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import { BadRequest } from '@feathersjs/errors'
import type { Application, HookContext } from '../../../declarations'
import { requireAdmin } from '../../../hooks/require-admin'
import { actorOf, announceEach } from '../../../hooks/announce-each'
import {
  disputeDataValidator,
  disputePatchValidator,
  disputeQueryResolver,
  disputeQueryValidator
} from './disputes.schema'
import type { Dispute } from './disputes.schema'
import { DisputeService, getOptions } from './disputes.class'
import { disputeMethods, disputePath } from './disputes.shared'

export * from './disputes.class'
export * from './disputes.schema'

/** An array column has no foreign key, so unknown parties are refused here. */
const requireExistingParties = async (context: HookContext<DisputeService>) => {
  const partyIds: number[] | undefined = (context.data as any)?.party_ids
  if (!partyIds?.length) return
  const users = await context.app
    .service('users')
    .find({ query: { id: { $in: partyIds }, $select: ['id'] }, paginate: false })
  const known = new Set(users.map((user) => user.id))
  const unknown = partyIds.filter((id) => !known.has(id))
  if (unknown.length) throw new BadRequest(`Unknown party ids: ${unknown.join(', ')}`)
}

/** The dispute's channel follows its parties and status: say when they change. */
const announceDisputeChange = announceEach('contexts.dispute.changed', (dispute: Dispute, context) => ({
  dispute_id: dispute.id,
  actor_id: actorOf(context)
}))

export const dispute = (app: Application) => {
  app.use(disputePath, new DisputeService(getOptions(app)), { methods: disputeMethods, events: [] })
  app.service(disputePath).hooks({
    around: {
      all: [authenticateCaller, requireAdmin]
    },
    before: {
      all: [schemaHooks.validateQuery(disputeQueryValidator), schemaHooks.resolveQuery(disputeQueryResolver)],
      create: [schemaHooks.validateData(disputeDataValidator), requireExistingParties],
      patch: [schemaHooks.validateData(disputePatchValidator), requireExistingParties]
    },
    after: {
      create: [announceDisputeChange],
      patch: [announceDisputeChange]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [disputePath]: DisputeService
  }
}
