import assert from 'assert'
import { DuplicateKey, parseStrictJson } from '../../../../src/modules/messaging/evidence/strict-json'

/** JSON read as evidence: what JSON.parse reads, except that no object may repeat a key. */
describe('parseStrictJson()', () => {
  const refuses = (text: string, where: RegExp) =>
    assert.throws(
      () => parseStrictJson(text),
      (error: any) => error instanceof DuplicateKey && where.test(error.message),
      text
    )

  it('reads what JSON.parse reads when no key repeats', () => {
    for (const text of [
      '{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}',
      // Keys inside strings, escaped quotes and backslashes are text, not structure
      '{"s": "{\\"a\\": 1, \\"a\\": 2}", "t": "ends in a backslash \\\\", "u": "\\\\\\"a\\""}',
      '[{"k": 1}, {"k": 1}, [], {}, "x", 1.5e3, null, true]',
      '"just a string"',
      '{"": 1, " ": 2, "\\u00e9": 3, "é\\u0301": 4}'
    ])
      assert.deepStrictEqual(parseStrictJson(text), JSON.parse(text), text)
  })

  it('refuses a repeated key at any depth, naming where', () => {
    refuses('{"a": 1, "a": 1}', /"a" appears twice in one object, at the top level/)
    refuses('{"x": [0, {"b": 1, "c": 2, "b": 3}]}', /"b" appears twice .* at x\[1\]$/)
    refuses('[{"a": {"z": 1}}, {"b": {"y": 1, "y": 2}}]', /"y" appears twice .* at \[1\]\.b$/)
    refuses('{"messages": [{}, {"content": "a", "content": "b"}]}', /"content" .* at messages\[1\]$/)
  })

  it('compares keys as JSON decodes them: an escape spelling the same key is the same key', () => {
    refuses('{"signature": null, "\\u0073ignature": {}}', /"signature" appears twice/)
    refuses('{"a\\"b": 1, "a\\u0022b": 2}', /"a"b" appears twice/)
  })

  it('refuses what is not JSON as JSON.parse does', () => {
    assert.throws(() => parseStrictJson('{"a": 1,}'), SyntaxError)
    assert.throws(() => parseStrictJson(''), SyntaxError)
  })
})
