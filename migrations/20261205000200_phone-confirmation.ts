import type { Knex } from 'knex'

/**
 * A phone number a person types for themselves gets notifications only once they prove
 * it is theirs with a code sent to it. Numbers already stored were set before that rule
 * (by admins or their owners) and stay in use.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.timestamp('phone_confirmed_at', { useTz: true })
  })
  await knex('users').whereNotNull('phone').update({ phone_confirmed_at: knex.fn.now() })
  // One pending code per person: the number it was sent to, its hash, until when, tries so far
  await knex.schema.createTable('phone_confirmations', (table) => {
    table.bigInteger('user_id').primary().references('users.id')
    table.text('phone').notNullable()
    table.text('code_hash').notNullable()
    table.timestamp('expires_at', { useTz: true }).notNullable()
    table.integer('attempts').notNullable().defaultTo(0)
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('phone_confirmations')
  await knex.schema.alterTable('users', (table) => table.dropColumn('phone_confirmed_at'))
}
