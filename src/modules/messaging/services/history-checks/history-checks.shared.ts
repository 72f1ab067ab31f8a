import type { ClientApplication } from '../../../../client'
import type { HistoryCheck, HistoryCheckService } from './history-checks.class'

export type { HistoryCheck }

export type HistoryCheckClientService = Pick<HistoryCheckService, 'get'>

export const historyCheckPath = 'history-checks'

export const historyCheckMethods = ['get'] as const

export const historyCheckClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(historyCheckPath, connection.service(historyCheckPath), { methods: [...historyCheckMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [historyCheckPath]: HistoryCheckClientService
  }
}
