/**
 * When each connection's token expires, with one timer for the instance instead of one
 * per connection (Feathers' JWT strategy arms a timer per connection, with a closure and
 * a wrapper of its own, some 300 bytes an idle connection holds). Tokens' `exp` is in
 * whole seconds, so connections are kept in a set per second and end together at that
 * second, exactly when their own timers would have fired.
 */
export class TokenExpiry<Connection extends object> {
  private due = new Map<number, Set<Connection>>()
  private dueAt = new WeakMap<Connection, number>()
  private timer?: NodeJS.Timeout
  private armedFor = Infinity

  constructor(private expired: (connection: Connection) => void) {}

  /** `connection` ends at `exp` (seconds since the epoch), instead of whenever it was to end before. */
  track(connection: Connection, exp: number) {
    this.forget(connection)
    let connections = this.due.get(exp)
    if (!connections) this.due.set(exp, (connections = new Set()))
    connections.add(connection)
    this.dueAt.set(connection, exp)
    if (exp < this.armedFor) this.arm(exp)
  }

  /** Logout or disconnect: the connection no longer ends when its token expires. */
  forget(connection: Connection) {
    const exp = this.dueAt.get(connection)
    if (exp === undefined) return
    this.dueAt.delete(connection)
    const connections = this.due.get(exp)
    connections?.delete(connection)
    if (connections?.size === 0) this.due.delete(exp)
  }

  stop() {
    clearTimeout(this.timer)
    this.armedFor = Infinity
  }

  private arm(exp: number) {
    clearTimeout(this.timer)
    this.armedFor = exp
    this.timer = setTimeout(() => this.fire(), Math.max(0, exp * 1000 - Date.now()))
    // An idle instance is not kept alive by its connections' tokens
    this.timer.unref()
  }

  private fire() {
    this.armedFor = Infinity
    const now = Date.now()
    let next = Infinity
    for (const [exp, connections] of this.due) {
      // Not yet (a timer may fire a little early): it is armed again for it below
      if (exp * 1000 > now) {
        next = Math.min(next, exp)
        continue
      }
      this.due.delete(exp)
      for (const connection of connections) {
        this.dueAt.delete(connection)
        this.expired(connection)
      }
    }
    if (next < Infinity) this.arm(next)
  }
}
