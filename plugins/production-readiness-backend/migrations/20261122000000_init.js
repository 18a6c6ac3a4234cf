/*
 * Production Readiness store, initial schema:
 * - pr_entities: entity-level outcome of the latest evaluation (score, level, time);
 * - pr_results: latest result per (entity, check);
 * - pr_history: change-only status periods (open period: last_seen is null, its end is the
 *   entity's evaluated_at);
 * - pr_scores: score and level points, written only on change;
 * - pr_waivers: waivers created through the API;
 * - pr_pushed_results: evidence pushed by external systems.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pr_entities', table => {
    table.string('entity_ref', 255).primary();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.integer('score').notNullable();
    table.string('level', 255).notNullable();
  });

  await knex.schema.createTable('pr_results', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('check_id', 255).notNullable();
    table.string('status', 16).notNullable();
    table.string('underlying_status', 16).notNullable();
    table.text('summary').notNullable();
    table.text('evidence').notNullable();
    table.text('remediation').nullable();
    table.text('waiver').nullable();
    table.timestamp('changed_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'check_id']);
  });

  await knex.schema.createTable('pr_history', table => {
    table.increments('id');
    table.string('entity_ref', 255).notNullable();
    table.string('check_id', 255).notNullable();
    table.string('status', 16).notNullable();
    table.text('summary').notNullable();
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).nullable();
    table.index(
      ['entity_ref', 'first_seen'],
      'pr_history_entity_first_seen_idx',
    );
  });

  await knex.schema.createTable('pr_scores', table => {
    table.increments('id');
    table.string('entity_ref', 255).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.integer('score').notNullable();
    table.string('level', 255).notNullable();
    table.index(['entity_ref', 'at'], 'pr_scores_entity_at_idx');
  });

  await knex.schema.createTable('pr_waivers', table => {
    table.uuid('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('check_id', 255).notNullable();
    table.text('reason').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['entity_ref'], 'pr_waivers_entity_idx');
  });

  await knex.schema.createTable('pr_pushed_results', table => {
    table.uuid('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('type', 255).notNullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.text('payload').notNullable();
    table.string('pushed_by', 255).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'type', 'observed_at'],
      'pr_pushed_results_entity_type_observed_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('pr_pushed_results');
  await knex.schema.dropTable('pr_waivers');
  await knex.schema.dropTable('pr_scores');
  await knex.schema.dropTable('pr_history');
  await knex.schema.dropTable('pr_results');
  await knex.schema.dropTable('pr_entities');
};
