import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.bigIncrements('id')
    table.text('email').notNullable()
    table.text('name').notNullable()
    table.text('phone')
    table.text('role').notNullable().defaultTo('user')
    table.text('timezone').notNullable().defaultTo('UTC')
    table.text('quiet_hours_start')
    table.text('quiet_hours_end')
    table.text('password').notNullable()
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.check(`role in ('user', 'admin')`, [], 'users_role_check')
  })
  await knex.raw('create unique index users_email_unique on users (lower(email))')

  await knex.schema.createTable('companies', (table) => {
    table.bigIncrements('id')
    table.text('name').notNullable()
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })

  await knex.schema.createTable('company_members', (table) => {
    table.bigIncrements('id')
    table.bigInteger('company_id').notNullable().references('companies.id')
    table.bigInteger('user_id').notNullable().references('users.id')
    table.text('role').notNullable()
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.unique(['company_id', 'user_id'], { indexName: 'company_members_company_user_unique' })
    table.index(['user_id'], 'company_members_user_index')
    table.check(`role in ('admin', 'manager')`, [], 'company_members_role_check')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('company_members')
  await knex.schema.dropTable('companies')
  await knex.schema.dropTable('users')
}
