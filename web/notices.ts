/** Errors as the sentences a person reads instead of codes. */
export function sentenceFor(error: any): string {
  switch (error?.code) {
    case 401:
      return 'Your session has ended. Please sign in again.'
    case 403:
      return /frozen/.test(error.message ?? '')
        ? 'This conversation is closed: it can be read but no longer written to.'
        : 'You are not allowed to do that in this conversation.'
    case 404:
      return 'That is no longer there.'
    case 429: {
      const seconds = error.data?.retry_after_seconds
      return seconds
        ? `You are going too fast. Try again in ${seconds} seconds.`
        : 'You are going too fast. Try again in a moment.'
    }
    case 400:
      return error.message ? `That could not be sent: ${error.message}.` : 'That could not be sent.'
    default:
      return 'Something went wrong. Please try again.'
  }
}

export const signInSentence = (error: any) =>
  error?.code === 401
    ? 'The email or password is not right.'
    : error?.code === 429
      ? sentenceFor(error)
      : 'Signing in did not work. Please check your connection and try again.'

export const WAITING_FOR_CONNECTION =
  'Not connected right now: your message will be sent when the connection is back.'
