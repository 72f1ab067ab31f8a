import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../../declarations'
import type { Id } from '../../../schema-types'
import { ExpiringCache } from '../../../cache/expiring-cache'
import type { User, UserData, UserPatch, UserQuery } from './users.schema'

export type { User, UserData, UserPatch, UserQuery }

export interface UserParams extends KnexAdapterParams<UserQuery> {}

const NAME_CACHE_TTL_MS = 60_000

export class UserService<ServiceParams extends UserParams = UserParams> extends KnexService<
  User,
  UserData,
  ServiceParams,
  UserPatch
> {
  // Every message shown carries its sender's name: a page of history should not read them each time
  private names = new ExpiringCache<Id, string>(NAME_CACHE_TTL_MS)

  /** People's names by id, for internal use; one query for those not cached, none otherwise. */
  async namesOf(ids: Id[]): Promise<Map<Id, string>> {
    const missing = [...new Set(ids)].filter((id) => !this.names.has(id))
    if (missing.length) {
      const users = (await this._find({
        query: { id: { $in: missing }, $select: ['id', 'name'] },
        paginate: false
      } as ServiceParams)) as Pick<User, 'id' | 'name'>[]
      users.forEach((user) => this.names.set(user.id, user.name))
    }
    const known = ids.filter((id) => this.names.has(id)).map((id) => [id, this.names.get(id)!] as const)
    return new Map(known)
  }

  forgetName(id: Id) {
    this.names.delete(id)
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'users'
})
