import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { MalformedMarkup, sanitizeText } from '../sanitize-text'

/** The sanitized text of one field, or a 400 that names the field. */
export const sanitizeField = (raw: string, field: string) => {
  try {
    return sanitizeText(raw)
  } catch (error) {
    if (error instanceof MalformedMarkup) throw new BadRequest(error.message, { field })
    throw error
  }
}

/**
 * Free text that other people see (names) is stored as plain text without markup, once,
 * when it is written. A field that holds nothing but markup is refused.
 */
export const sanitizeTextFields = (...fields: string[]) => {
  const sanitizeRecord = (record: Record<string, unknown>) => {
    const data = { ...record }
    for (const field of fields) {
      if (typeof data[field] !== 'string') continue
      data[field] = sanitizeField(data[field], field)
      if (!data[field]) throw new BadRequest(`The ${field} needs some text`, { field })
    }
    return data
  }
  return async (context: HookContext) => {
    context.data = Array.isArray(context.data)
      ? context.data.map(sanitizeRecord)
      : sanitizeRecord(context.data)
  }
}
