import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../../../declarations'
import { MalformedMarkup, characterCount, sanitizeContent } from '../sanitize'
import { MAX_CONTENT_LENGTH } from '../services/messages/messages.schema'

const sanitizeOrRefuse = (raw: string) => {
  try {
    return sanitizeContent(raw)
  } catch (error) {
    if (error instanceof MalformedMarkup) throw new BadRequest(error.message, { field: 'content' })
    throw error
  }
}

export const sanitizeMessageContent = async (context: HookContext) => {
  const content = sanitizeOrRefuse(context.data.content)
  if (!content) throw new BadRequest('A message needs some text', { field: 'content' })
  const length = characterCount(content)
  if (length > MAX_CONTENT_LENGTH) {
    throw new BadRequest(`A message has at most ${MAX_CONTENT_LENGTH} characters (this one has ${length})`, {
      field: 'content'
    })
  }
  context.data = { ...context.data, content }
}
