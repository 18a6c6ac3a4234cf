/*
 * At most one open history period (last_seen is null) per (entity, check), enforced by a
 * partial unique index, so that two backend replicas writing at once cannot open a second
 * one. Open periods that already have a newer open sibling are closed first, at the time the
 * newer one began.
 */

// @ts-check

const INDEX = 'pr_history_one_open_period_idx';

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(
    `update pr_history set last_seen = (
       select max(newer.first_seen) from pr_history newer
       where newer.entity_ref = pr_history.entity_ref
         and newer.check_id = pr_history.check_id
         and newer.last_seen is null
     )
     where last_seen is null
       and id < (
         select max(newer.id) from pr_history newer
         where newer.entity_ref = pr_history.entity_ref
           and newer.check_id = pr_history.check_id
           and newer.last_seen is null
       )`,
  );
  await knex.raw(
    `create unique index ${INDEX} on pr_history (entity_ref, check_id) where last_seen is null`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw(`drop index ${INDEX}`);
};
