/*
 * Evidence claims: which evidence (workloads, jobs, rules, backup prefixes, records) each
 * entity selected in its latest evaluation, per collector, so that an evaluation of a few
 * entities binds their evidence against the claims of the whole fleet.
 * - claims: JSON list of EvidenceClaim (from the -node package).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pr_evidence_claims', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('collector_id', 255).notNullable();
    table.text('claims').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'collector_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('pr_evidence_claims');
};
