const minutesOf = (hhmm: string) => {
  const [hours, minutes] = hhmm.split(':').map(Number)
  return hours * 60 + minutes
}

interface LocalTime {
  year: number
  month: number
  day: number
  minutes: number
}

function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric'
    })
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)])
  )
  return { year: parts.year, month: parts.month, day: parts.day, minutes: parts.hour * 60 + parts.minute }
}

/** The instant at which the wall clock in `timeZone` shows that local date and time. */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minutes)
  let guess = wall
  // Twice, so that an offset change between the guess and the answer (DST) is taken into account
  for (let i = 0; i < 2; i++) {
    const seen = localTime(new Date(guess), timeZone)
    const seenWall = Date.UTC(seen.year, seen.month - 1, seen.day, 0, seen.minutes)
    guess += wall - seenWall
  }
  return new Date(guess)
}

/**
 * If `now` falls inside the daily quiet window [start, end) of the recipient's time zone,
 * the instant the window ends; otherwise null. A window whose start is after its end
 * crosses midnight (22:00–07:00).
 */
export function quietHoursEnd(
  now: Date,
  timeZone: string,
  start: string | null,
  end: string | null
): Date | null {
  if (!start || !end || start === end) return null
  const from = minutesOf(start)
  const to = minutesOf(end)
  const local = localTime(now, timeZone)
  const crossesMidnight = from > to
  const inside = crossesMidnight
    ? local.minutes >= from || local.minutes < to
    : local.minutes >= from && local.minutes < to
  if (!inside) return null
  // After the start of a window that crosses midnight, it ends tomorrow
  const endsTomorrow = crossesMidnight && local.minutes >= from
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + (endsTomorrow ? 1 : 0)))
  return instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), to, timeZone)
}
