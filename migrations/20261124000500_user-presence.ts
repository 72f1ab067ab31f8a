import type { Knex } from 'knex'

// Whether someone is online lives in memory or Redis; when they were last seen must
// survive restarts, so it is kept here
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_presence', (table) => {
    table.bigInteger('user_id').primary().references('users.id')
    table.timestamp('last_seen_at', { useTz: true }).notNullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_presence')
}
