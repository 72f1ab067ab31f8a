import type { Id } from '../../../../schema-types'
import { GeneralError, NotFound } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../../declarations'
import { readChannelRecord } from '../../evidence/record'
import { eventText, peopleOf } from '../../evidence/event-text'
import { loadSigningKey, sign } from '../../evidence/signature'
import { TRANSCRIPT_FORMAT } from './transcripts.schema'
import { peopleNamed } from './transcript-people'
import type { Transcript } from './transcripts.schema'

export type { Transcript }

export interface TranscriptParams extends ServiceParams {}

/**
 * `get(channel id)`: the channel's signed transcript. Admins only from outside (the
 * words of deleted messages are in it); the `transcript` command calls it internally.
 */
export class TranscriptService {
  constructor(private app: Application) {}

  async get(id: Id, _params: TranscriptParams = {}): Promise<Transcript> {
    const record = await readChannelRecord(this.app.get('postgresqlClient'), id)
    if (!record) throw new NotFound(`No channel ${id}`)
    const view = await this.app.service('channels').get(record.channel.id)
    const people = await peopleNamed(this.app, [
      ...record.participants.map((p) => p.user_id),
      ...record.messages.flatMap((m) =>
        m.deleted_by === null ? [m.sender_id] : [m.sender_id, m.deleted_by]
      ),
      ...peopleOf(record.events)
    ])
    // One read of the people for their names everywhere in the export, so that the lines agree with the list
    const names = new Map(people.map((person) => [person.id, person.name]))
    const nameOf = (userId: number) => names.get(userId) ?? ''

    const transcript: Transcript = {
      format: TRANSCRIPT_FORMAT,
      exported_at: new Date().toISOString(),
      channel: { ...record.channel, title: view.title },
      people,
      participants: record.participants.map(
        (participant) =>
          ({ ...participant, name: nameOf(participant.user_id) }) as Transcript['participants'][number]
      ),
      messages: record.messages.map((message) => ({
        ...message,
        sender: { id: message.sender_id, name: nameOf(message.sender_id) }
      })),
      events: record.events.map(
        (event) =>
          ({
            ...event,
            text: eventText(event, names, record.channel.context_type)
          }) as Transcript['events'][number]
      ),
      signature: null
    }
    return this.signed(transcript)
  }

  /** Signed with the configured key, read afresh each time so that a rotated key takes effect at once. */
  private signed(transcript: Transcript): Transcript {
    const keyPath = this.app.get('evidence')?.signing_key
    if (!keyPath) return transcript
    try {
      return sign(transcript, loadSigningKey(keyPath))
    } catch (error: any) {
      throw new GeneralError(`Transcripts cannot be signed: ${error.message}`)
    }
  }
}
