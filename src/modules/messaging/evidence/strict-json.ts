/**
 * JSON as evidence is read: JSON.parse keeps the last of two equal keys in an object
 * without a word, so a file could show one value to a reader or another tool (which
 * may keep the first) and another to the verifier. Here a repeated key refuses the
 * document, naming where it repeats.
 */

export class DuplicateKey extends Error {}

/** Where a value stands in the document: `messages[2].content`. */
const pathText = (path: Array<string | number>) =>
  path.map((step, at) => (typeof step === 'number' ? `[${step}]` : at === 0 ? step : `.${step}`)).join('') ||
  'the top level'

type Container = { keys: Set<string>; expectKey: boolean; key?: string } | { index: number }

/**
 * Walks the (already well-formed) text once, tracking for each open object the keys seen so
 * far; strings are compared decoded, so "a" and "\u0061" are the same key, as they are to JSON.
 */
function assertUniqueKeys(text: string) {
  const stack: Container[] = []
  const path = () =>
    stack.flatMap((container, at) => {
      const step = 'index' in container ? container.index : container.key
      // The innermost object's key is the one being read, not yet a step on the way to it
      return at === stack.length - 1 && !('index' in container) ? [] : step === undefined ? [] : [step]
    })
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    const top = stack[stack.length - 1]
    if (char === '"') {
      let end = at + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      if (top && 'keys' in top && top.expectKey) {
        const key: string = JSON.parse(text.slice(at, end + 1))
        if (top.keys.has(key))
          throw new DuplicateKey(`the key "${key}" appears twice in one object, at ${pathText(path())}`)
        top.keys.add(key)
        top.key = key
        top.expectKey = false
      }
      at = end
    } else if (char === '{') stack.push({ keys: new Set(), expectKey: true })
    else if (char === '[') stack.push({ index: 0 })
    else if (char === '}' || char === ']') stack.pop()
    else if (char === ',' && top) {
      if ('index' in top) top.index++
      else top.expectKey = true
    }
  }
}

/** JSON.parse, refusing a document in which any object repeats a key. */
export function parseStrictJson(text: string): any {
  const value = JSON.parse(text)
  assertUniqueKeys(text)
  return value
}
