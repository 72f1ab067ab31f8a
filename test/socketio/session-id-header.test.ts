import assert from 'assert'
import { useServer } from '../helpers/app'

// What a balancer sees of a long-polling session: the handshake, then requests naming its id
const handshake = (url: string) => fetch(`${url}/socket.io/?EIO=4&transport=polling`)
// A POST answers at once (a GET would be held until there is something to send): "40" joins the namespace
const post = (url: string, sid: string) =>
  fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`, {
    method: 'POST',
    body: '40'
  })

describe('the Socket.io session id header, for balancers that keep clients without cookies', function () {
  this.timeout(30_000)
  const server = useServer()

  it('names a new session’s id in X-Socketio-Sid, the id its later requests carry', async () => {
    const response = await handshake(server.url)
    assert.strictEqual(response.status, 200)
    const header = response.headers.get('x-socketio-sid')
    // The body is Engine.io's open packet: "0" and the session as JSON
    const open = JSON.parse((await response.text()).replace(/^0/, ''))
    assert.ok(header, 'the handshake names its session')
    assert.strictEqual(header, open.sid)
    const next = await post(server.url, header)
    assert.strictEqual(next.status, 200, 'the named id is the session’s')
    assert.strictEqual(
      next.headers.get('x-socketio-sid'),
      null,
      'only the handshake names it: later requests carry it themselves'
    )
  })

  it('gives every session its own id', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await handshake(server.url)).headers.get('x-socketio-sid'))
    )
    assert.strictEqual(new Set(ids).size, 3, JSON.stringify(ids))
  })
})
