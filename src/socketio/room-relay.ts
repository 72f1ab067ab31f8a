import type { Server } from 'socket.io'
import type { Application } from '../declarations'
import { logger } from '../logging/logger'
import { redisKey } from '../redis/redis'
import type { RedisClient } from '../redis/redis'

/**
 * Hands events that each instance must process itself before its sockets hear them
 * (such as live messages, which each instance puts in seq order) to the other instances
 * that have sockets in a room. A room broadcast cannot do this: the adapter emits it to
 * the sockets directly on arrival.
 */
export interface RoomRelay {
  /**
   * Hears the `name` events other instances relay to rooms that `follows` accepts, and
   * returns how to relay one (this instance handles its own itself).
   */
  open<T>(
    name: string,
    follows: (room: string) => boolean,
    listener: (payload: T) => void
  ): (room: string, payload: T) => void
}

/** One instance: nobody else to tell. */
export const localRelay: RoomRelay = { open: () => () => undefined }

/**
 * The classic adapter: a server-side event through the adapter, which every instance
 * hears (the classic adapter sends every room broadcast to every instance anyway).
 */
export const serverSideRelay = (io: Server): RoomRelay => ({
  open(name, _follows, listener) {
    io.on(name as any, listener as any)
    return (_room, payload) => io.serverSideEmit(name, payload)
  }
})

/** The shard channel that carries a room's relayed events. */
export const relayChannel = (app: Application, room: string) => redisKey(app, 'relay', '') + room

type Opened = { follows: (room: string) => boolean; listener: (payload: any) => void }

/**
 * The sharded adapter: a server-side event would still go to every instance, which is
 * what the sharded adapter is there to avoid. So each followed room gets a shard channel
 * of its own, which an instance subscribes to while it has sockets in that room (as the
 * adapter does for its room broadcasts): an instance without any hears nothing of it.
 * Subscribing takes a round trip, so what is relayed in the moment after the first
 * socket joined may not reach that instance; its clients fill such a gap by seq. Runs on
 * the adapter's subscriber connection, so that the delivery-lag probe times it too.
 */
export function shardedRoomRelay(app: Application, io: Server, subscriber: RedisClient): RoomRelay {
  const self = app.get('instanceId')
  const prefix = relayChannel(app, '')
  const channelOf = (room: string) => relayChannel(app, room)
  const opened = new Map<string, Opened>()
  const followed = (room: string) => [...opened.values()].some(({ follows }) => follows(room))
  const warn = (error: Error) => logger.warn('room relay subscription failed', { error: error.message })

  const adapter = io.of('/').adapter
  adapter.on(
    'create-room',
    (room: string) => followed(room) && subscriber.ssubscribe(channelOf(room)).catch(warn)
  )
  adapter.on(
    'delete-room',
    (room: string) => followed(room) && subscriber.sunsubscribe(channelOf(room)).catch(warn)
  )
  subscriber.on('smessage', (channel: string, message: string) => {
    if (!channel.startsWith(prefix)) return
    try {
      const { origin, name, payload } = JSON.parse(message)
      if (origin !== self) opened.get(name)?.listener(payload)
    } catch (error: any) {
      logger.warn('ignored an unreadable relayed event', { channel, error: error?.message })
    }
  })

  return {
    open(name, follows, listener) {
      opened.set(name, { follows, listener })
      return (room, payload) => {
        app
          .get('redisClient')!
          .spublish(channelOf(room), JSON.stringify({ origin: self, name, payload }))
          .catch(() => undefined)
      }
    }
  }
}
