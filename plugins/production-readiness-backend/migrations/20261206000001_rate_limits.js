/*
 * Rate limit counters shared by every backend replica (fixed windows):
 * - limit_key: the limiter's name and what it counts (an entity, a caller);
 * - window_start: when the current window began; hits: requests counted in it.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pr_rate_limits', table => {
    table.string('limit_key', 255).primary();
    table.timestamp('window_start', { useTz: true }).notNullable();
    table.integer('hits').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('pr_rate_limits');
};
