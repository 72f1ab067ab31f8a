import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator } from '../../../validators'
import { Timestamp } from '../../../schema-types'

/** The code a person got by SMS for the number they set: six digits. */
export const phoneConfirmationDataSchema = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$' }) },
  { $id: 'PhoneConfirmationData', additionalProperties: false }
)
export type PhoneConfirmationData = Static<typeof phoneConfirmationDataSchema>
export const phoneConfirmationDataValidator = getValidator(phoneConfirmationDataSchema, dataValidator)

export const phoneConfirmationSchema = Type.Object(
  { phone: Type.String(), phone_confirmed_at: Timestamp },
  { $id: 'PhoneConfirmation', additionalProperties: false }
)
export type PhoneConfirmation = Static<typeof phoneConfirmationSchema>
