import type { Knex } from 'knex'

// A token carries the token_version it was issued under: bumping it ends every older
// token at once. A disabled account keeps its row (and its messages, which are evidence).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.integer('token_version').notNullable().defaultTo(0)
    table.timestamp('disabled_at', { useTz: true })
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('disabled_at')
    table.dropColumn('token_version')
  })
}
