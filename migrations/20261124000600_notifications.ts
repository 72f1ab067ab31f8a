import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('device_tokens', (table) => {
    table.bigIncrements('id')
    table.bigInteger('user_id').notNullable().references('users.id')
    table.text('token').notNullable().unique({ indexName: 'device_tokens_token_unique' })
    table.text('platform').notNullable()
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.index(['user_id'], 'device_tokens_user_index')
    table.check(`platform in ('ios', 'android', 'web')`, [], 'device_tokens_platform_check')
  })

  // One row per delivery: an SMS to the recipient's phone, or a push to one device
  await knex.schema.createTable('notifications', (table) => {
    table.bigIncrements('id')
    table.bigInteger('user_id').notNullable().references('users.id')
    table.bigInteger('channel_id').notNullable().references('chat_channels.id')
    table.bigInteger('message_id').notNullable().references('chat_messages.id')
    table.text('kind').notNullable()
    table.text('provider').notNullable()
    table.bigInteger('device_token_id').references('device_tokens.id').onDelete('SET NULL')
    table.text('status').notNullable().defaultTo('pending')
    table.integer('attempts').notNullable().defaultTo(0)
    table.text('last_error')
    table.text('reason')
    table.text('body')
    table.timestamp('scheduled_for', { useTz: true }).notNullable()
    // A worker holds a row until then; an attempt under way is marked by sending_at
    table.timestamp('claimed_until', { useTz: true })
    table.timestamp('sending_at', { useTz: true })
    table.timestamp('sent_at', { useTz: true })
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.check(`kind in ('sms', 'push')`, [], 'notifications_kind_check')
    table.check(`provider in ('twilio', 'fcm', 'log')`, [], 'notifications_provider_check')
    table.check(
      `status in ('pending', 'deferred', 'sent', 'failed', 'skipped')`,
      [],
      'notifications_status_check'
    )
    table.index(['user_id', 'channel_id', 'kind', 'sent_at'], 'notifications_coalesce_index')
    table.index(['message_id'], 'notifications_message_index')
  })
  await knex.raw(`create unique index notifications_delivery_unique
    on notifications (message_id, user_id, kind, coalesce(device_token_id, 0))`)
  await knex.raw(`create index notifications_due_index on notifications (scheduled_for)
    where status in ('pending', 'deferred')`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notifications')
  await knex.schema.dropTable('device_tokens')
}
