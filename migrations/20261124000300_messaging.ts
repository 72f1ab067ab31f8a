import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_channels', (table) => {
    table.bigIncrements('id')
    table.text('context_type').notNullable()
    table.bigInteger('context_id').notNullable()
    table.text('status').notNullable().defaultTo('active')
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.timestamp('last_message_at', { useTz: true })
    table.bigInteger('last_seq').notNullable().defaultTo(0)
    table.unique(['context_type', 'context_id'], { indexName: 'chat_channels_context_unique' })
    table.check(`context_type in ('booking', 'dispute')`, [], 'chat_channels_context_type_check')
    table.check(`status in ('active', 'frozen')`, [], 'chat_channels_status_check')
  })

  await knex.schema.createTable('chat_participants', (table) => {
    table.bigIncrements('id')
    table.bigInteger('channel_id').notNullable().references('chat_channels.id')
    table.bigInteger('user_id').notNullable().references('users.id')
    table.text('role').notNullable()
    table.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.timestamp('removed_at', { useTz: true })
    table.timestamp('last_read_at', { useTz: true })
    table.bigInteger('last_read_seq').notNullable().defaultTo(0)
    table.boolean('muted').notNullable().defaultTo(false)
    table.index(['channel_id', 'user_id'], 'chat_participants_channel_user_index')
  })
  // A person is a current participant at most once; removed rows stay as the record
  await knex.raw(`create unique index chat_participants_current_unique
    on chat_participants (channel_id, user_id) where removed_at is null`)
  await knex.raw(`create index chat_participants_current_user_index
    on chat_participants (user_id, channel_id) where removed_at is null`)

  await knex.schema.createTable('chat_messages', (table) => {
    table.bigIncrements('id')
    table.bigInteger('channel_id').notNullable().references('chat_channels.id')
    table.bigInteger('seq').notNullable()
    table.bigInteger('sender_id').notNullable().references('users.id')
    table.text('content').notNullable()
    table.text('client_id')
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.raw('clock_timestamp()'))
    table.boolean('is_deleted').notNullable().defaultTo(false)
    table.timestamp('deleted_at', { useTz: true })
    table.unique(['channel_id', 'seq'], { indexName: 'chat_messages_channel_seq_unique' })
    table.unique(['channel_id', 'sender_id', 'client_id'], { indexName: 'chat_messages_client_id_unique' })
    table.check(`char_length(client_id) <= 64`, [], 'chat_messages_client_id_length_check')
  })
  await knex.raw(
    `create index chat_messages_channel_created_index on chat_messages (channel_id, created_at desc)`
  )
  await knex.raw(
    `create index chat_messages_visible_index on chat_messages (channel_id, seq) where is_deleted = false`
  )
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('chat_messages')
  await knex.schema.dropTable('chat_participants')
  await knex.schema.dropTable('chat_channels')
}
