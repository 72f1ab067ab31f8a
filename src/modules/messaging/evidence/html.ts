import escapeHtml from 'escape-html'
import type { Transcript } from '../services/transcripts/transcripts.schema'
import { inChainOrder } from './chain-encoding'

type Message = Transcript['messages'][number]
type Event = Transcript['events'][number]

/** A time zone node knows (IANA name such as Europe/Berlin), or an error saying which is not. */
export function timeFormatter(timeZone: string) {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset'
    })
  } catch {
    throw new Error(`Unknown time zone '${timeZone}' (use an IANA name such as Europe/Berlin)`)
  }
  return (time: string | null) => (time === null ? '' : format.format(new Date(time)))
}

const STYLE = `
  body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; max-width: 52em; margin: 2em auto; color: #111 }
  h1 { font-size: 16pt } h2 { font-size: 13pt; margin-top: 1.6em }
  table { border-collapse: collapse; width: 100% } th, td { border: 1px solid #999; padding: .25em .5em; text-align: left; vertical-align: top }
  .entry { border-bottom: 1px solid #ddd; padding: .35em 0; page-break-inside: avoid }
  .meta { color: #444; font-size: 9.5pt } .content { white-space: pre-wrap; overflow-wrap: anywhere }
  .event { font-style: italic; color: #333 } .deleted { background: #f3f3f3; border-left: 4px solid #900; padding-left: .5em }
  .deleted .label { color: #900; font-weight: bold; font-style: normal }
  code { font-size: 8.5pt; overflow-wrap: anywhere }
  .control { color: #900; font: 8.5pt monospace; border: 1px solid #900; padding: 0 .1em }
  @media print { body { margin: 0; max-width: none } }`

// Every character that reorders text without being seen: the marks (ALM, LRM, RLM) and the
// embedding, override and isolate controls. Older messages may hold them (the sanitizer drops
// the controls only from new text): a reader must see them, not be turned round by them
const BIDI_CHARACTER = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
const codePoint = (char: string) => `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`

/** Text from the record, escaped, with each bidirectional character shown as ⟨U+202E⟩. */
export const visibleText = (value: unknown) =>
  escapeHtml(String(value ?? '')).replace(
    BIDI_CHARACTER,
    (char) => `<span class="control">⟨${codePoint(char)}⟩</span>`
  )

/**
 * A transcript as a lawyer reads and prints it: names with user id, email and admin
 * standing, times in one time zone, deleted messages marked with when and by whom.
 * Every piece of text from the record is escaped, isolated (`<bdi>`) so that right-to-left
 * words cannot turn the line around them, and its bidirectional characters are shown.
 * The JSON beside it, with its chain and signature, stays the evidence.
 */
export function transcriptHtml(transcript: Transcript, timeZone = 'UTC'): string {
  const at = timeFormatter(timeZone)
  const text = visibleText
  const people = new Map(transcript.people.map((person) => [person.id, person]))
  /** A person as every line names them: name, user id, and "admin" for an admin. */
  const personOf = (id: number | null) => {
    if (id === null) return '(not recorded)'
    const person = people.get(id)
    if (!person) return `user ${text(id)} (not in the record's list of people)`
    return `<bdi>${text(person.name)}</bdi> (user ${text(id)}${person.admin ? ', admin' : ''})`
  }
  /**
   * A person under the name the chain kept for that moment, with today's name beside it
   * when it differs (a rename since must not change who seems to have said what).
   */
  const personThen = (id: number | null, nameThen: string | null | undefined) => {
    const person = id === null ? undefined : people.get(id)
    if (nameThen === null || nameThen === undefined || !person) return personOf(id)
    const now = person.name === nameThen ? '' : `, now named <bdi>${text(person.name)}</bdi>`
    return `<bdi>${text(nameThen)}</bdi> (user ${text(id)}${person.admin ? ', admin' : ''}${now})`
  }
  const deletions = new Map(
    transcript.events.filter((e) => e.kind === 'message.deleted').map((e) => [e.message_id, e])
  )
  const { channel, signature } = transcript

  const peopleRows = transcript.people
    .map(
      (person) =>
        `<tr><td><bdi>${text(person.name)}</bdi></td><td>${text(person.id)}</td><td><bdi>${text(person.email)}</bdi></td><td>${person.admin ? 'admin' : ''}</td></tr>`
    )
    .join('\n')
  const participants = transcript.participants
    .map(
      (
        p
      ) => `<tr><td>${personOf(p.user_id)}</td><td>${text(p.role.replace(/_/g, ' '))}</td><td>${text(at(p.joined_at))}</td>
        <td>${p.removed_at ? text(at(p.removed_at)) : 'still a participant'}</td><td>${text(p.last_read_seq)}</td><td>${text(at(p.last_read_at))}</td></tr>`
    )
    .join('\n')

  const message = (m: Message) => {
    const deleted = m.is_deleted
      ? `<div class="label">Deleted ${text(at(m.deleted_at))} by ${personThen(m.deleted_by, deletions.get(m.id)?.actor_name)}</div>`
      : ''
    return `<div class="entry message${m.is_deleted ? ' deleted' : ''}" id="message-${text(m.seq)}">
      <div class="meta">#${text(m.seq)} · ${text(at(m.created_at))} · <strong>${personThen(m.sender_id, m.sender_name)}</strong></div>
      ${deleted}<div class="content"><bdi>${text(m.content)}</bdi></div></div>`
  }
  /** Today's name of each person an event's line names under a name that is no longer theirs. */
  const renamed = (e: Event) => {
    const notes = new Set<string>()
    for (const [id, then] of [
      [e.actor_id, e.actor_name],
      [e.user_id, e.user_name]
    ] as const) {
      const person = id === null ? undefined : people.get(id)
      if (person && then && person.name !== then)
        notes.add(
          ` <span class="meta">(user ${text(id)} is now named <bdi>${text(person.name)}</bdi>)</span>`
        )
    }
    return [...notes].join('')
  }
  const event = (e: Event) =>
    `<div class="entry event"><span class="meta">${text(at(e.created_at))}</span> — <bdi>${text(e.text)}</bdi>${renamed(e)}</div>`
  const history = inChainOrder(transcript.messages, transcript.events)
    .map((entry) => (entry.type === 'message' ? message(entry.message) : event(entry.event)))
    .join('\n')

  const signedBy = signature
    ? `Signed with Ed25519, key <code>${text(signature.key_id)}</code>.`
    : '<strong>Not signed</strong>: the server had no signing key.'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${text(channel.title)} — transcript</title><style>${STYLE}</style></head>
<body>
<h1>${text(channel.title)}</h1>
<p class="meta">Channel ${text(channel.id)} (${text(channel.context_type)} ${text(channel.context_id)}), ${text(channel.status)}.
Exported ${text(at(transcript.exported_at))}. Times are shown in ${text(timeZone)}.
${text(transcript.messages.length)} messages, ${text(transcript.events.length)} events. ${signedBy}
Chain head <code>${text(channel.chain_head ?? 'none')}</code>.</p>
<h2>People</h2>
<p class="meta">Everyone the record names, with their name and email at export time. The history names each
person as the chain kept them when they acted, with today's name beside it where it has changed since.</p>
<table><thead><tr><th>Name</th><th>User id</th><th>Email</th><th>Admin</th></tr></thead>
<tbody>${peopleRows}</tbody></table>
<h2>Participants</h2>
<table><thead><tr><th>Person</th><th>Role</th><th>Joined</th><th>Left</th><th>Read up to #</th><th>Last read</th></tr></thead>
<tbody>${participants}</tbody></table>
<h2>History</h2>
${history}
<p class="meta">This page renders the JSON transcript exported with it; the JSON, its hash chain and its signature
are the record. Anyone can check them with <code>npm run verify-transcript -- transcript.json --public-key key.pem</code>.</p>
</body></html>
`
}
