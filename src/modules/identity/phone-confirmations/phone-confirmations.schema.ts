import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator } from '../../../validators'
import { Timestamp, documented } from '../../../schema-types'

/** The code a person got by SMS for the number they set: six digits. */
export const phoneConfirmationDataSchema = Type.Object(
  {
    code: Type.String({
      pattern: '^[0-9]{6}$',
      description: 'The six-digit code from the SMS (valid ten minutes, five tries)',
      examples: ['123456']
    })
  },
  {
    $id: 'PhoneConfirmationData',
    additionalProperties: false,
    description: 'A code sent to one’s new phone number',
    examples: [{ code: '123456' }]
  }
)
export type PhoneConfirmationData = Static<typeof phoneConfirmationDataSchema>
export const phoneConfirmationDataValidator = getValidator(phoneConfirmationDataSchema, dataValidator)

export const phoneConfirmationSchema = Type.Object(
  {
    phone: Type.String({ description: 'The number now confirmed', examples: ['+15555550123'] }),
    phone_confirmed_at: documented(Timestamp, 'When it was confirmed')
  },
  { $id: 'PhoneConfirmation', additionalProperties: false, description: 'A confirmed phone number' }
)
export type PhoneConfirmation = Static<typeof phoneConfirmationSchema>
