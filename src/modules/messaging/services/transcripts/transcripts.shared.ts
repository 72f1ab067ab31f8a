import type { ClientApplication } from '../../../../client'
import type { Transcript, TranscriptService } from './transcripts.class'

export type { Transcript }

export type TranscriptClientService = Pick<TranscriptService, 'get'>

export const transcriptPath = 'transcripts'

// An export is read, never written: admins get a channel's by its id
export const transcriptMethods = ['get'] as const

export const transcriptClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(transcriptPath, connection.service(transcriptPath), { methods: [...transcriptMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [transcriptPath]: TranscriptClientService
  }
}
