import type { Knex } from 'knex'

/**
 * A message in which the contact-details guard found a phone number, an e-mail address or
 * a messaging handle, for admins to review. The message itself stays as sent (it is the
 * chain's evidence): `spans` say where the details are, so that a masked channel shows it
 * to participants with them hidden. `policy` is what the channel's context asked for when
 * it was sent (flag or mask).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_contact_findings', (table) => {
    table.bigIncrements('id')
    table.bigInteger('message_id').notNullable().unique().references('chat_messages.id')
    table.bigInteger('channel_id').notNullable().references('chat_channels.id')
    table.bigInteger('sender_id').notNullable().references('users.id')
    table.text('policy').notNullable()
    table.specificType('kinds', 'text[]').notNullable()
    table.jsonb('spans').notNullable()
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.timestamp('resolved_at', { useTz: true })
    table.bigInteger('resolved_by').references('users.id')
    table.text('resolution')
    table.index(['channel_id'])
  })
  await knex.raw(`alter table chat_contact_findings add constraint chat_contact_findings_policy
    check (policy in ('flag', 'mask'))`)
  // The open findings, newest first, is what admins list
  await knex.raw(
    `create index chat_contact_findings_open on chat_contact_findings (id desc) where resolved_at is null`
  )
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('chat_contact_findings')
}
