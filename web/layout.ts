import { byId } from './dom'

/**
 * On a narrow screen the channel list and the conversation take the whole screen one at
 * a time: the list first, a conversation once chosen, and back (the back control, or the
 * phone's own back gesture through the history) to the list. Wide screens show both.
 */
const narrow = matchMedia('(max-width: 40rem)')
const chat = () => byId('chat')

export const isNarrow = () => narrow.matches

/** Whether the open conversation can be seen at all (not behind the list on a phone). */
export const conversationOnScreen = () => !narrow.matches || chat().dataset.view === 'conversation'

export function showConversation() {
  if (chat().dataset.view === 'conversation') return
  chat().dataset.view = 'conversation'
  if (narrow.matches) history.pushState({ view: 'conversation' }, '')
}

export function showList(onShown: () => void) {
  chat().dataset.view = 'list'
  onShown()
}

/** Wires the back control and the browser's back to the list. */
export function followBack(onList: () => void) {
  byId('back').addEventListener('click', () =>
    history.state?.view === 'conversation' ? history.back() : showList(onList)
  )
  addEventListener('popstate', () => chat().dataset.view === 'conversation' && showList(onList))
}
