/**
 * When each connection's token expires, with one timer for the instance instead of one
 * per connection (Feathers' JWT strategy arms a timer per connection, with a closure and
 * a wrapper of its own, some 300 bytes an idle connection holds). Tokens' `exp` is in
 * whole seconds, so connections are kept in a set per second and end together at that
 * second, exactly when their own timers would have fired. Logins are spread over the
 * day, so most seconds hold one connection: it is kept as it is, and a set (0.15 KB with
 * its table) is made for a second's second connection. A connection is never a Set.
 */
export class TokenExpiry<Connection extends object> {
  private due = new Map<number, Connection | Set<Connection>>()
  private dueAt = new WeakMap<Connection, number>()
  private timer?: NodeJS.Timeout
  private armedFor = Infinity

  constructor(private expired: (connection: Connection) => void) {}

  /** `connection` ends at `exp` (seconds since the epoch), instead of whenever it was to end before. */
  track(connection: Connection, exp: number) {
    this.forget(connection)
    const held = this.due.get(exp)
    if (held === undefined) this.due.set(exp, connection)
    else if (held instanceof Set) held.add(connection)
    else this.due.set(exp, new Set([held, connection]))
    this.dueAt.set(connection, exp)
    if (exp < this.armedFor) this.arm(exp)
  }

  /** Logout or disconnect: the connection no longer ends when its token expires. */
  forget(connection: Connection) {
    const exp = this.dueAt.get(connection)
    if (exp === undefined) return
    this.dueAt.delete(connection)
    const held = this.due.get(exp)
    if (held === connection) this.due.delete(exp)
    else if (held instanceof Set) {
      held.delete(connection)
      if (held.size === 0) this.due.delete(exp)
    }
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
    for (const [exp, held] of this.due) {
      // Not yet (a timer may fire a little early): it is armed again for it below
      if (exp * 1000 > now) {
        next = Math.min(next, exp)
        continue
      }
      this.due.delete(exp)
      for (const connection of held instanceof Set ? held : [held]) {
        this.dueAt.delete(connection)
        this.expired(connection)
      }
    }
    if (next < Infinity) this.arm(next)
  }
}
