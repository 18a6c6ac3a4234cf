/*
 * Waivers become approvals: an annotation waiver is a request until someone approves it, and
 * the approval is stored here beside waivers created through the API.
 * - origin: `api` (created approved) or `annotation` (an approved annotation request);
 * - requested_by: who asked (the entity's owner for annotation requests);
 * - expiry_notified_at: when the owner was told the waiver is about to expire (once).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('pr_waivers', table => {
    table.string('origin', 32).notNullable().defaultTo('api');
    table.string('requested_by', 255).nullable();
    table.timestamp('expiry_notified_at', { useTz: true }).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('pr_waivers', table => {
    table.dropColumn('origin');
    table.dropColumn('requested_by');
    table.dropColumn('expiry_notified_at');
  });
};
