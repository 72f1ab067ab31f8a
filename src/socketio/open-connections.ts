import type { Socket } from 'socket.io'

type Transport = Socket['conn']

// A tab and a phone or two each for a person; many people behind one NAT (a site's Wi-Fi)
export const DEFAULT_MAX_PER_USER = 20
export const DEFAULT_MAX_PER_ADDRESS = 500

/** Open connections per key, each at most `max`. */
class Counts {
  private counts = new Map<string, number>()

  constructor(private max: number) {}

  /** Counts one more for `key` unless it is at its max. Synchronous: parallel handshakes cannot both take the last one. */
  take(key: string): boolean {
    const count = this.counts.get(key) ?? 0
    if (count >= this.max) return false
    this.counts.set(key, count + 1)
    return true
  }

  release(key: string) {
    const count = (this.counts.get(key) ?? 0) - 1
    if (count > 0) this.counts.set(key, count)
    else this.counts.delete(key)
  }
}

interface Holding {
  address: string
  user?: string
}

/**
 * The open Socket.io connections of this instance, counted per client address from the
 * handshake and per person from their login until the transport closes. A transport is
 * counted once, however many handshakes its client makes on it, and everything it holds
 * is given back when it closes, whatever closed it.
 */
export class OpenConnections {
  private perAddress: Counts
  private perUser: Counts
  private holdings = new WeakMap<Transport, Holding>()
  // One listener for every transport's close (Engine.IO calls it with the transport as
  // `this`), where a closure and a once-wrapper of each connection's own held it open
  private onClose: (this: Transport) => void

  constructor(limits: { maxPerUser: number; maxPerAddress: number }) {
    this.perAddress = new Counts(limits.maxPerAddress)
    this.perUser = new Counts(limits.maxPerUser)
    const open = this
    this.onClose = function () {
      open.close(this)
    }
  }

  /** Counts a transport against its address; false if the address has its maximum open already. */
  open(transport: Transport, address: string): boolean {
    // Gone during the handshake: it will hold nothing, and no close would give a count back
    if (transport.readyState === 'closed' || this.holdings.has(transport)) return true
    if (!this.perAddress.take(address)) return false
    this.holdings.set(transport, { address })
    // Closing twice gives back nothing twice: the holding is gone after the first
    transport.on('close', this.onClose)
    return true
  }

  /**
   * Counts a transport as the person's from now on (instead of whoever it was counted for
   * before); false, with nothing changed, if they have their maximum open already.
   */
  signIn(transport: Transport, userId: string | number): boolean {
    const holding = this.holdings.get(transport)
    const user = String(userId)
    if (!holding || holding.user === user) return true
    if (!this.perUser.take(user)) return false
    this.signOut(transport)
    holding.user = user
    return true
  }

  signOut(transport: Transport) {
    const holding = this.holdings.get(transport)
    if (holding?.user === undefined) return
    this.perUser.release(holding.user)
    holding.user = undefined
  }

  private close(transport: Transport) {
    const holding = this.holdings.get(transport)
    if (!holding) return
    this.signOut(transport)
    this.perAddress.release(holding.address)
    this.holdings.delete(transport)
  }
}
