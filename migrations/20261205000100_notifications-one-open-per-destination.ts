import type { Knex } from 'knex'

/**
 * At most one open (pending or deferred) delivery per person, channel and destination (the
 * phone, or one device): it counts what is unread when it goes out, so a second one for
 * the same destination could only be skipped later, one row at a time. A delivery being
 * sent is left out, so that a message arriving meanwhile (which its text may not count)
 * still plans one; so are push rows whose device was removed (device_token_id set to null),
 * which are skipped when due. Open rows that already share a destination are folded into
 * the earliest due.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    with ranked as (
      select id, first_value(id) over destination as kept, row_number() over destination as rank
      from notifications
      where status in ('pending', 'deferred') and sending_at is null and (kind = 'sms' or device_token_id is not null)
      window destination as (partition by user_id, channel_id, kind, coalesce(device_token_id, 0) order by scheduled_for, id)
    )
    update notifications n
    set status = 'skipped', reason = 'merged into notification ' || ranked.kept, claimed_until = null
    from ranked
    where n.id = ranked.id and ranked.rank > 1`)
  await knex.raw(`create unique index notifications_one_open_per_destination
    on notifications (user_id, channel_id, kind, coalesce(device_token_id, 0))
    where status in ('pending', 'deferred') and sending_at is null and (kind = 'sms' or device_token_id is not null)`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index notifications_one_open_per_destination')
}
