import type {
  HookContext as FeathersHookContext,
  NextFunction,
  Params as FeathersParams
} from '@feathersjs/feathers'
import type { Application as FeathersApplication } from '@feathersjs/koa'
import type { Knex } from 'knex'
import type { ApplicationConfiguration } from './configuration'
import type { DomainEvents } from './events'
import type { RedisClient } from './redis/redis'
import type { User } from './modules/identity/users/users.schema'

export type { NextFunction }

export interface Configuration extends ApplicationConfiguration {
  postgresqlClient: Knex
  events: DomainEvents
  /** names this process among the instances sharing Redis */
  instanceId: string
  /** set when REDIS_URL or REDIS_CLUSTER_NODES is: commands, and the subscriber connections to close on teardown */
  redisClient?: RedisClient
  redisSubscribers: RedisClient[]
}

// Each service adds itself here through declaration merging
export interface ServiceTypes {}

export type Application = FeathersApplication<ServiceTypes, Configuration>

export type HookContext<S = any> = FeathersHookContext<Application, S>

export interface ServiceParams<Q = any> extends FeathersParams<Q> {
  user?: User
  /** where an external call came from (the load balancer's word with `connections.trust_proxy`) */
  address?: string
  /** set by an idempotent `create` that returned an existing record: no event is sent */
  alreadyExisted?: boolean
}
