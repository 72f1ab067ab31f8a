import type { Message } from '../src/client'
import { byId, h } from './dom'

/**
 * The actions on one's own message, behind a "⋯" button (or a long press, which a phone
 * turns into a context menu): a deletion is kept as evidence, so it is never one tap
 * away and always asked again in words that say what it does and does not do.
 */
export function messageActions(message: Message, remove: (message: Message) => void) {
  const menuId = `actions-${message.seq}`
  const deleteButton = h(
    'button',
    { type: 'button', onclick: () => (close(), confirmDelete().then((yes) => yes && remove(message))) },
    'Delete…'
  )
  const menu = h('div', { id: menuId, class: 'actions-menu', hidden: true }, deleteButton)
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'actions',
      'aria-label': 'Message actions',
      'aria-expanded': 'false',
      'aria-controls': menuId,
      onclick: () => (menu.hidden ? open() : close())
    },
    '⋯'
  )
  const wrapper = h('div', { class: 'actions-wrapper' }, toggle, menu)
  function open() {
    closeOpenMenu?.()
    menu.hidden = false
    toggle.setAttribute('aria-expanded', 'true')
    deleteButton.focus()
    closeOpenMenu = close
  }
  function close() {
    menu.hidden = true
    toggle.setAttribute('aria-expanded', 'false')
    if (closeOpenMenu === close) closeOpenMenu = undefined
  }
  wrapper.addEventListener('keydown', (event) => event.key === 'Escape' && (close(), toggle.focus()))
  return { element: wrapper, open }
}

let closeOpenMenu: (() => void) | undefined
// A tap or click anywhere else closes an open menu
document.addEventListener('click', (event) => {
  if (!(event.target as Element).closest?.('.actions-wrapper')) closeOpenMenu?.()
})

/** Asks in a modal dialog; true when the person chose to delete. */
function confirmDelete(): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm-delete')
  dialog.returnValue = ''
  dialog.showModal()
  return new Promise((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'delete'), { once: true })
  )
}
