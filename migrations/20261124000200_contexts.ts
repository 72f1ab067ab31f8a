import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bookings', (table) => {
    table.bigIncrements('id')
    table.bigInteger('borrower_company_id').notNullable().references('companies.id')
    table.bigInteger('lender_company_id').notNullable().references('companies.id')
    table.bigInteger('worker_id').notNullable().references('users.id')
    table.bigInteger('supervisor_id').notNullable().references('users.id')
    table.text('status').notNullable().defaultTo('pending')
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.index(['borrower_company_id'], 'bookings_borrower_index')
    table.index(['lender_company_id'], 'bookings_lender_index')
    table.check(
      `status in ('pending', 'confirmed', 'in_progress', 'completed', 'cancelled')`,
      [],
      'bookings_status_check'
    )
  })

  await knex.schema.createTable('disputes', (table) => {
    table.bigIncrements('id')
    table.bigInteger('booking_id').notNullable().references('bookings.id')
    table.text('status').notNullable().defaultTo('open')
    table.specificType('party_ids', 'bigint[]').notNullable().defaultTo('{}')
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.index(['booking_id'], 'disputes_booking_index')
    table.check(`status in ('open', 'resolved', 'closed')`, [], 'disputes_status_check')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('disputes')
  await knex.schema.dropTable('bookings')
}
