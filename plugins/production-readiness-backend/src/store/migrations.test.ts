import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { testDatabaseIds } from '@internal/test-servers';
import { Knex } from 'knex';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: testDatabaseIds() });

const directory = resolvePackagePath(
  '@production-readiness/plugin-production-readiness-backend',
  'migrations',
);

const TABLES = [
  'pr_entities',
  'pr_results',
  'pr_history',
  'pr_scores',
  'pr_waivers',
  'pr_pushed_results',
  'pr_evidence_claims',
  'pr_rate_limits',
];

async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = await knex.migrate.list({ directory });
  return (pending as Array<{ file: string }>).map(m => m.file);
}

/** Runs migrations up to, not including, `name`. */
async function migrateUntilBefore(knex: Knex, name: string): Promise<void> {
  const pending = await pendingMigrations(knex);
  expect(pending).toContain(name);
  for (const file of pending.slice(0, pending.indexOf(name))) {
    await knex.migrate.up({ directory, name: file });
  }
}

/** The indexes of pr_history, as the database lists them. */
async function historyIndexes(knex: Knex): Promise<string[]> {
  if (knex.client.dialect === 'postgresql') {
    const { rows } = await knex.raw(
      'select indexname as name from pg_indexes where tablename = ?',
      ['pr_history'],
    );
    return rows.map((row: { name: string }) => row.name).sort();
  }
  const rows = await knex.raw(
    "select name from sqlite_master where type = 'index' and tbl_name = ?",
    ['pr_history'],
  );
  return rows.map((row: { name: string }) => row.name).sort();
}

async function migrateUpOnce(knex: Knex): Promise<void> {
  await knex.migrate.up({ directory });
}

async function migrateDownOnce(knex: Knex): Promise<void> {
  await knex.migrate.down({ directory });
}

const t0 = Date.parse('2026-01-01T00:00:00.000Z');
/** `n` hours after t0. */
const at = (n: number) => new Date(t0 + n * 3_600_000);

function period(
  checkId: string,
  firstSeen: Date,
  lastSeen: Date | null,
): Record<string, unknown> {
  return {
    entity_ref: 'component:default/orders-api',
    check_id: checkId,
    status: 'fail',
    summary: `${checkId} since ${firstSeen.toISOString()}`,
    first_seen: firstSeen,
    last_seen: lastSeen,
  };
}

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  let knex: Knex;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
  });

  it('runs every migration up and down again', async () => {
    await knex.migrate.latest({ directory });
    expect(await pendingMigrations(knex)).toEqual([]);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }

    const [completed] = await knex.migrate.list({ directory });
    for (let i = 0; i < completed.length; i += 1) {
      await migrateDownOnce(knex);
    }
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }

    await knex.migrate.latest({ directory });
    expect(await pendingMigrations(knex)).toEqual([]);
  });

  it('keeps one open history period per check, closing older duplicates', async () => {
    await migrateUntilBefore(knex, '20261206000000_one_open_history_period.js');
    // What two replicas writing at once could leave before the index existed.
    await knex('pr_history').insert([
      period('backup.configured', at(1), at(2)),
      period('backup.configured', at(2), null),
      period('backup.configured', at(3), null),
      period('backup.configured', at(5), null),
      period('availability.replicas', at(1), null),
    ]);

    await migrateUpOnce(knex);

    const rows = await knex('pr_history')
      .select('check_id', 'first_seen', 'last_seen')
      .orderBy('id');
    const asTimes = rows.map(row => [
      row.check_id,
      new Date(row.first_seen).getTime(),
      row.last_seen === null ? null : new Date(row.last_seen).getTime(),
    ]);
    expect(asTimes).toEqual([
      ['backup.configured', at(1).getTime(), at(2).getTime()],
      ['backup.configured', at(2).getTime(), at(5).getTime()],
      ['backup.configured', at(3).getTime(), at(5).getTime()],
      ['backup.configured', at(5).getTime(), null],
      ['availability.replicas', at(1).getTime(), null],
    ]);

    // A second open period of one check is refused; closed ones and other checks are not.
    expect(await historyIndexes(knex)).toContain(
      'pr_history_one_open_period_idx',
    );
    const refusal = await knex('pr_history')
      .insert(period('backup.configured', at(6), null))
      .then(
        () => undefined,
        (error: Error) => error,
      );
    if (!refusal) {
      // Seen once on SQLite under load and not reproduced since: say what the table held.
      // eslint-disable-next-line no-console
      console.log(
        'pr_history after an accepted second open period',
        JSON.stringify(await knex('pr_history').select()),
        JSON.stringify(await historyIndexes(knex)),
      );
    }
    expect(String(refusal)).toMatch(/unique/i);
    await knex('pr_history').insert([
      period('backup.configured', at(0), at(1)),
      period('backup.restore-tested', at(6), null),
    ]);

    await migrateDownOnce(knex);
    expect(await historyIndexes(knex)).not.toContain(
      'pr_history_one_open_period_idx',
    );
    await knex('pr_history').insert(period('backup.configured', at(6), null));
    const [open] = await knex('pr_history')
      .where({ check_id: 'backup.configured' })
      .whereNull('last_seen')
      .count({ count: '*' });
    expect(Number(open.count)).toBe(2);
  });
});
