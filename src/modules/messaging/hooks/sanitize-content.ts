import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../../../declarations'
import { characterCount } from '../../../sanitize-text'
import { sanitizeField } from '../../../hooks/sanitize-text-fields'
import { MAX_CONTENT_LENGTH } from '../services/messages/messages.schema'

export const sanitizeMessageContent = async (context: HookContext) => {
  const content = sanitizeField(context.data.content, 'content')
  if (!content) throw new BadRequest('A message needs some text', { field: 'content' })
  // A text has no more characters than UTF-16 units: only a longer one needs counting
  const length = content.length > MAX_CONTENT_LENGTH ? characterCount(content) : content.length
  if (length > MAX_CONTENT_LENGTH) {
    throw new BadRequest(`A message has at most ${MAX_CONTENT_LENGTH} characters (this one has ${length})`, {
      field: 'content'
    })
  }
  context.data = { ...context.data, content }
}
