import assert from 'assert'
import { EventEmitter } from 'events'
import { fitListenersToSize } from '../../src/socketio/fit-to-size'

/**
 * What an emitter's listeners hear, with its lists fitted (`fitted`) or as Node grew them:
 * the fitted emitter must hear what the other one does, on every Node the app runs on.
 */
function story(fit: (emitter: EventEmitter) => void) {
  const emitter = new EventEmitter()
  const heard: string[] = []
  const late = () => heard.push('late')
  const gone = () => heard.push('gone')
  // As on an Engine.IO connection: a `once` close listener first, then two others
  emitter.once('close', () => heard.push('once'))
  emitter.on('close', () => heard.push('second'))
  emitter.on('close', () => heard.push('third'))
  // One taking another off mid-emit, one adding a listener mid-emit
  emitter.on('packet', () => {
    heard.push('first')
    emitter.off('packet', gone)
    emitter.on('packet', late)
  })
  emitter.on('packet', gone)
  fit(emitter)
  emitter.emit('close')
  emitter.emit('close')
  emitter.emit('packet')
  emitter.emit('packet')
  return heard
}

describe("an emitter's listener lists fitted to their size", () => {
  it('hear what lists left as Node grew them hear: a once listener does not shift the next one out of an emit, and what is added or taken off mid-emit waits for the next', () => {
    const asGrown = story(() => {})
    assert.deepStrictEqual(asGrown, [
      ...['once', 'second', 'third'],
      ...['second', 'third'],
      ...['first', 'gone'],
      ...['first', 'late']
    ])
    assert.deepStrictEqual(story(fitListenersToSize), asGrown)
  })

  it('hear the same when fitted while an emit walks the list, and after it', () => {
    assert.deepStrictEqual(
      story((emitter) => emitter.prependOnceListener('close', () => fitListenersToSize(emitter))),
      story((emitter) => emitter.prependOnceListener('close', () => {}))
    )
  })

  it('are copies holding only their listeners, and leave single listeners and other keys alone', () => {
    const emitter = new EventEmitter()
    const one = () => {}
    emitter.on('one', one)
    emitter.on('two', () => {})
    emitter.on('two', () => {})
    const grown = (emitter as any)._events.two
    fitListenersToSize(emitter)
    const events = (emitter as any)._events
    assert.strictEqual(events.one, one)
    assert.notStrictEqual(events.two, grown)
    assert.deepStrictEqual([...events.two], [...grown])
    fitListenersToSize({})
    fitListenersToSize({ _events: null })
  })
})
