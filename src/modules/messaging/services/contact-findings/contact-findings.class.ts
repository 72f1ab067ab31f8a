import type { Knex } from 'knex'
import type { Paginated } from '@feathersjs/feathers'
import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../../declarations'
import type { Id } from '../../../../schema-types'
import { page } from '../../page'
import { maskedText } from '../../contact-guard/policy'
import type { ContactFinding, ContactFindingPatch, ContactFindingQuery } from './contact-findings.schema'

export type { ContactFinding, ContactFindingPatch, ContactFindingQuery }

export interface ContactFindingParams extends ServiceParams<ContactFindingQuery> {}

const NOT_FOUND = 'No such contact finding'

export class ContactFindingService {
  constructor(private app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: ContactFindingParams = {}): Promise<Paginated<ContactFinding>> {
    const { resolved, $limit, $skip, $sort, ...equal } = params.query ?? {}
    const base = this.db('chat_contact_findings').where(equal)
    if (resolved !== undefined) base[resolved ? 'whereNotNull' : 'whereNull']('resolved_at')
    return page(this.app, base, { $limit, $skip }, (builder) =>
      builder.orderBy('id', $sort?.id === 1 ? 'asc' : 'desc')
    )
  }

  async get(id: Id, _params: ContactFindingParams = {}): Promise<ContactFinding> {
    const finding = await this.db('chat_contact_findings').where({ id }).first()
    if (!finding) throw new NotFound(NOT_FOUND)
    return finding
  }

  /** Resolving is once: the first admin's word and time stay. */
  async patch(id: Id | null, data: ContactFindingPatch, params: ContactFindingParams = {}) {
    if (id === null) throw new BadRequest('Resolve one finding at a time')
    const [resolved] = await this.db('chat_contact_findings')
      .where({ id })
      .whereNull('resolved_at')
      .update({
        resolved_at: this.db.fn.now(),
        resolved_by: params.user?.id ?? null,
        resolution: data.resolution ?? null
      })
      .returning('*')
    return (resolved as ContactFinding | undefined) ?? this.get(id)
  }

  /** Internal: the masked text of those of `messages` their channel masks, by message id. */
  async maskedContents(messages: { id: Id; content?: string }[]): Promise<Map<Id, string>> {
    const withContent = messages.filter((message) => typeof message.content === 'string')
    if (!withContent.length) return new Map()
    const rows: Pick<ContactFinding, 'message_id' | 'spans'>[] = await this.db('chat_contact_findings')
      .whereIn(
        'message_id',
        withContent.map((message) => message.id)
      )
      .where({ policy: 'mask' })
      .select('message_id', 'spans')
    const spansOf = new Map(rows.map((row) => [Number(row.message_id), row.spans]))
    const masked = new Map<Id, string>()
    for (const message of withContent) {
      const spans = spansOf.get(message.id)
      if (spans) masked.set(message.id, maskedText(message.content!, spans))
    }
    return masked
  }
}
