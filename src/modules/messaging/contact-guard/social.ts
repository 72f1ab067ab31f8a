/**
 * Where people move a conversation off the platform: messaging apps and social
 * networks, as links (wa.me/…, t.me/…) and as mentions ("find me on insta", "whatsapp
 * me", "telegram: @bob").
 */
// Each has a dot and a letter after it, which detect relies on to skip texts without one
const SOCIAL_HOSTS = [
  'wa.me',
  'whatsapp.com',
  't.me',
  'telegram.me',
  'telegram.dog',
  'instagram.com',
  'instagr.am',
  'facebook.com',
  'fb.com',
  'fb.me',
  'm.me',
  'messenger.com',
  'snapchat.com',
  'tiktok.com',
  'linkedin.com',
  'signal.me',
  'signal.group',
  'line.me',
  'viber.com',
  'discord.gg',
  'discord.com',
  'twitter.com',
  'x.com',
  'skype.com',
  'wechat.com',
  'kik.me'
]

/** Whether a link's host is a messaging app's or social network's (or a subdomain of one). */
export function isSocialLink(url: string): boolean {
  const host = url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^\/\//, '')
    .split(/[/?#:]/)[0]
  return SOCIAL_HOSTS.some((social) => host === social || host.endsWith(`.${social}`))
}

const PLATFORM =
  '(?:whats\\s?app|whatsap|watsapp|wa|telegram|tg|insta(?:gram)?|ig|snap(?:chat)?|facebook|fb|messenger|signal|viber|wechat|tiktok|linkedin|skype|discord|kik|threema)'
const HANDLE = '(?:\\s*(?:[:=]|is|ist|es)?\\s*@?[\\p{L}\\d._-]{2,32})?'

/**
 * A platform named as a way to reach someone: "on/via/at (my) insta", "whatsapp me",
 * "insta: @bob", "my telegram is …", "add me on snap". The handle after it, if any,
 * is part of the finding.
 */
export const SOCIAL_MENTION = new RegExp(
  [
    `(?<![\\p{L}\\d])(?:on|via|at|through|over|auf|über|per|por|en|mi|my|mein|meine)\\s+(?:my\\s+|mein\\s+)?${PLATFORM}(?![\\p{L}\\d])${HANDLE}`,
    `(?<![\\p{L}\\d])${PLATFORM}\\s+(?:me|mir|mich|me\\b)(?![\\p{L}\\d])`,
    `(?<![\\p{L}\\d])${PLATFORM}\\s*[:=]\\s*@?[\\p{L}\\d._-]{2,32}`,
    `(?<![\\p{L}\\d])${PLATFORM}\\s+(?:is|handle|name|ist|es)\\s*[:=]?\\s*@?[\\p{L}\\d._-]{2,32}`
  ].join('|'),
  'giu'
)

/**
 * A platform's name as a word of its own. Every mention has one: each form has a space, ':'
 * or '=' after the name, and before it a space or no letter or digit. A text without one
 * needs no search for mentions, which costs several times as much.
 */
export const PLATFORM_WORD = new RegExp(`(?<![\\p{L}\\d])${PLATFORM}(?![\\p{L}\\d])`, 'iu')
