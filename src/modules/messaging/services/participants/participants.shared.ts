import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../../client'
import type {
  Participant,
  ParticipantPatch,
  ParticipantPatchQuery,
  ParticipantQuery,
  ParticipantService
} from './participants.class'

export type { Participant, ParticipantPatch, ParticipantPatchQuery, ParticipantQuery }

export type ParticipantClientService = Pick<ParticipantService, 'get' | 'patch'> & {
  find(params: Params<ParticipantQuery>): ReturnType<ParticipantService['find']>
}

export const participantPath = 'participants'

// Participants follow their contexts: no create, update or remove from outside (405)
export const participantMethods = ['find', 'get', 'patch'] as const

export const participantClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(participantPath, connection.service(participantPath), { methods: [...participantMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [participantPath]: ParticipantClientService
  }
  interface ServiceEvents {
    // `muted` only to the participant it belongs to: the others hear the row without it
    [participantPath]: { created: Participant; patched: Participant; removed: Participant }
  }
}
