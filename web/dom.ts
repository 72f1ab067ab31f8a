type Child = Node | string | false | null | undefined
type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>

/** An element with attributes, `on…` listeners and children; strings become text, never markup. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]) {
  const element = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(key.slice(2), value)
    else if (value === true) element.setAttribute(key, '')
    else if (value !== false && value !== undefined) element.setAttribute(key, String(value))
  }
  element.append(
    ...children.filter((child): child is Node | string => typeof child === 'string' || child instanceof Node)
  )
  return element
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T

/** Text that screen readers read and eyes skip (the dot already says it). */
export const spoken = (text: string) => h('span', { class: 'visually-hidden' }, text)

export const listOfNames = (names: string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
