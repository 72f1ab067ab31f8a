/** What one REST operation does and who may call it, as the docs show it. */
export interface OperationText {
  summary: string
  description: string
  /** what the success response holds */
  result?: string
}

export type OperationTexts = Partial<Record<'find' | 'get' | 'create' | 'patch' | 'remove', OperationText>>

const ADMINS = 'Admins only (others: 403).'

/** Each service's operations, by path: the words next to the schemas. */
export const serviceOperations: Record<string, OperationTexts> = {
  users: {
    find: {
      summary: 'Find people',
      description:
        'Admins search by any listed field; others search the directory by `id` and `name` only (other fields: 400) and see id, name, role and timezone.'
    },
    get: { summary: 'Get a person', description: 'One’s own record in full; others as a directory entry.' },
    create: {
      summary: 'Create an account',
      description: `${ADMINS} An email already in use is a 409.`,
      result: 'The new account'
    },
    patch: {
      summary: 'Change a profile',
      description:
        'One’s own profile, or anyone’s for admins. A new own password needs `current_password`; a new phone number is sent a code to confirm (see phone-confirmations); a password or role change, or disabling, ends the account’s other sessions.'
    }
  },
  'phone-confirmations': {
    create: {
      summary: 'Confirm one’s phone number',
      description:
        'Confirms the number one set with the code sent to it. A wrong code is a 400; no code pending, a 404; too many wrong codes, a 429.',
      result: 'The confirmed number'
    }
  },
  companies: {
    find: { summary: 'Find companies', description: ADMINS },
    get: { summary: 'Get a company', description: ADMINS },
    create: { summary: 'Create a company', description: ADMINS, result: 'The new company' },
    patch: { summary: 'Rename a company', description: `${ADMINS} Its channels’ titles follow.` }
  },
  'company-members': {
    find: { summary: 'Find memberships', description: ADMINS },
    get: { summary: 'Get a membership', description: ADMINS },
    create: {
      summary: 'Add a person to a company',
      description: `${ADMINS} The company’s bookings’ channels gain them as admin or manager; a person is in a company once (409).`,
      result: 'The new membership'
    },
    patch: { summary: 'Change a member’s role', description: `${ADMINS} Their channel roles follow.` },
    remove: {
      summary: 'Remove a person from a company',
      description: `${ADMINS} They leave the company’s bookings’ channels.`,
      result: 'The removed membership'
    }
  },
  bookings: {
    find: { summary: 'Find bookings', description: ADMINS },
    get: { summary: 'Get a booking', description: ADMINS },
    create: {
      summary: 'Create a booking',
      description: `${ADMINS} Its channel opens with the first message or channel create.`,
      result: 'The new booking'
    },
    patch: {
      summary: 'Change a booking',
      description: `${ADMINS} Its channel’s participants follow; completed or cancelled freezes the channel.`
    }
  },
  disputes: {
    find: { summary: 'Find disputes', description: ADMINS },
    get: { summary: 'Get a dispute', description: ADMINS },
    create: { summary: 'Open a dispute', description: ADMINS, result: 'The new dispute' },
    patch: {
      summary: 'Change a dispute',
      description: `${ADMINS} Its channel’s parties follow; resolved or closed freezes the channel.`
    }
  },
  channels: {
    find: {
      summary: 'List one’s channels',
      description:
        'The channels one participates in (admins: all), newest message first, each with one’s unread count; `total_unread` sums them over every matching channel.'
    },
    get: {
      summary: 'Get a channel',
      description: 'Participants and admins; others get 403 whether it exists or not.'
    },
    create: {
      summary: 'Open a context’s channel',
      description:
        'Returns the booking’s or dispute’s channel, opening it if there is none; only for someone who would be a participant, or an admin. An unknown context is a 404.',
      result: 'The channel, new or existing'
    }
  },
  participants: {
    find: {
      summary: 'List a channel’s people',
      description: 'Its current participants, for its participants (admins: any channel, and `$withRemoved`).'
    },
    get: { summary: 'Get a participant row', description: 'For the channel’s participants and admins.' },
    patch: {
      summary: 'Mark read or mute',
      description:
        'One’s own row only: moves the read position (never back) or mutes the channel. The other participants get a `patched` event (read receipts).'
    }
  },
  messages: {
    find: {
      summary: 'Read a channel’s history, or search messages',
      description:
        'Participants (admins: any channel). Newest first by default; deleted messages are tombstones that keep their seq. With `$search`, the messages containing its words, each with a `snippet`: in the channel `channel_id` names, or without it in every channel one reads (admins: all); newest first or best first (`$sort[relevance]=-1`), a page at a time by `next_cursor` and `$cursor`. Deleted messages are left out of a search unless an admin asks with `$withDeleted`; a masked channel’s messages never match for its participants.'
    },
    get: {
      summary: 'Get a message',
      description: 'A deleted one is a 404 unless admin; outsiders get 404 whether it exists or not.'
    },
    create: {
      summary: 'Send a message',
      description:
        'To a channel by `channel_id`, or to a booking or dispute by `context_type` and `context_id` (its channel opens on the first message): one or the other. Current participants and admins; a frozen channel is read-only (403). Spends the sender’s `limits.messages_per_minute` budget instead of the call budget.',
      result: 'The message: the first one, when its `client_id` was sent before'
    },
    remove: {
      summary: 'Delete a message',
      description:
        'By its sender or an admin: it stays as a tombstone, its words kept as evidence for admins.',
      result: 'The deleted message (a tombstone, for non-admins)'
    }
  },
  presence: {
    find: {
      summary: 'Who is online',
      description: 'Among the people one shares a channel with; others named are left out.'
    }
  },
  'channel-events': {
    find: { summary: 'A channel’s events', description: 'Participants (admins: any channel).' },
    get: { summary: 'Get an event', description: 'Participants of its channel and admins.' }
  },
  transcripts: {
    get: {
      summary: 'Export a channel’s transcript',
      description: `${ADMINS} The id is the channel’s. Everything, deleted messages included, with the hash chain and a signature.`
    }
  },
  'history-checks': {
    get: {
      summary: 'Check a channel’s history',
      description: `${ADMINS} The id is the channel’s.`
    }
  },
  checkpoints: {
    find: {
      summary: 'A channel’s checkpoints',
      description:
        'Its current participants (admins: any channel), newest first: each `checkpoint` is the file to keep. One page of `$limit`, without `$skip`.'
    },
    create: {
      summary: 'Checkpoint a channel now',
      description: `${ADMINS} Signs the channel’s head as it is now (reason \`request\`); its time-stamp is asked for in the background. An unknown channel is a 404.`,
      result: 'The new checkpoint'
    }
  },
  'contact-findings': {
    find: {
      summary: 'Find contact findings',
      description: `${ADMINS} Newest first unless \`$sort[id]=1\`; \`resolved=false\` lists the open ones.`
    },
    get: { summary: 'Get a contact finding', description: ADMINS },
    patch: {
      summary: 'Resolve a contact finding',
      description: `${ADMINS} Once: the first admin’s word and time stay, and a later patch returns the finding as it is. The message is never changed.`
    }
  },
  'device-tokens': {
    find: { summary: 'List one’s devices', description: 'One’s own push tokens only.' },
    get: { summary: 'Get a device', description: 'One’s own only; others’ are a 404.' },
    create: {
      summary: 'Register a device',
      description: 'For push notifications; a token registered before, by anyone, becomes the caller’s.',
      result: 'The registered device'
    },
    remove: { summary: 'Forget a device', description: 'One’s own only.', result: 'The removed device' }
  },
  notifications: {
    find: { summary: 'Find deliveries', description: ADMINS },
    get: { summary: 'Get a delivery', description: ADMINS }
  }
}
