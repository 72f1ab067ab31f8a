import { io } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient, openChannelStream } from '../../src/client'
import type { ClientApplication, Message } from '../../src/client'
import type { TestUser } from '../helpers/factories'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A person's app as the README makes one: the package's client with Socket.io's default
 * transports (long-polling first, then the upgrade) and reconnection, holding one
 * channel's messages through `openChannelStream`. A send that gets no answer (its
 * connection went away under it) is sent again with the same client_id, as apps must.
 */
export class Person {
  readonly client: ClientApplication
  readonly held: Message[] = []
  readonly acknowledged: Message[] = []
  readonly serverErrors: unknown[] = []
  /** When each disconnection began and the next login ended it. */
  readonly outages: Array<{ from: number; to?: number }> = []
  private sending = false
  lastError: unknown

  constructor(
    url: string,
    readonly user: TestUser,
    private channelId: number
  ) {
    const socket = io(url, {
      forceNew: true,
      ackTimeout: 10_000,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000
    })
    this.client = createClient(socketio(socket))
    socket.on('disconnect', () => this.outages.push({ from: Date.now() }))
    this.client.on('login', () => {
      const open = this.outages.at(-1)
      if (open && open.to === undefined) open.to = Date.now()
    })
  }

  async start() {
    await this.client.authenticate({
      strategy: 'local',
      email: this.user.email,
      password: this.user.password
    })
    openChannelStream(this.client, this.channelId, {
      onMessage: (message) => this.held.push(message),
      onError: (error: any) => error?.code >= 500 && this.serverErrors.push(error)
    })
  }

  /** Sends until stopped, one message at a time, every `pauseMs`. */
  async sendSteadily(label: string, pauseMs: number) {
    this.sending = true
    for (let n = 1; this.sending; n++) {
      const clientId = `${label}-${n}`
      for (;;) {
        try {
          this.acknowledged.push(
            await this.client.service('messages').create({
              channel_id: this.channelId,
              content: `${this.user.name}: ${label} ${n}`,
              client_id: clientId
            })
          )
          break
        } catch (error: any) {
          this.lastError = error
          // Socket.io's own "operation has timed out" (no answer on a connection that went away) is no server's answer
          if (error?.code >= 500 && !/timed out/.test(error?.message)) this.serverErrors.push(error)
          await sleep(200)
        }
      }
      await sleep(pauseMs)
    }
  }

  stopSending() {
    this.sending = false
  }

  /** What a stuck test says about this person. */
  describe() {
    const error = this.lastError as any
    return `${this.user.name}: connected ${this.connected}, held ${this.held.length}, last error ${error?.code} ${error?.message}`
  }

  get connected() {
    return Boolean((this.client.io as any)?.connected)
  }

  close() {
    ;(this.client.io as any)?.close()
  }
}
