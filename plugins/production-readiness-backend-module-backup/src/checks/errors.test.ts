import { describeSummary } from '@production-readiness/plugin-production-readiness-common';
import {
  BACKUP_JOB_RUNS_COLLECTOR_ID,
  BackupJob,
  BackupJobRun,
  BackupJobRunsFacts,
} from '@production-readiness/plugin-production-readiness-node';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { database } from '../__testUtils__/evaluate';
import { BACKUP_COLLECTOR_ID, BackupFacts } from '../collector/BackupCollector';
import { readBackupModuleSettings } from '../config';
import { dumpRecord } from '../readers/dumps';
import { createBackupChecks } from './backupChecks';
import { ConfigReader } from '@backstage/config';

const NOW = new Date('2026-12-06T09:00:00Z');
const at = (hoursAgo: number) =>
  new Date(NOW.getTime() - hoursAgo * 3600_000).toISOString();

const check = createBackupChecks(
  readBackupModuleSettings(new ConfigReader({})).checks,
).find(c => c.id === 'backup.errors')!;

const entity = database('billing-db', {
  'production-readiness.io/backup-location': 'main',
  'production-readiness.io/backup-prefix': 'pg/billing-db',
  'production-readiness.io/backup-tool': 'dump',
});

/** Nightly dumps the job wrote at 02:00, the newest `newestHoursAgo` ago. */
function storage(dumps: number, newestHoursAgo = 7): BackupFacts {
  const backups = Array.from({ length: dumps }, (_, i) => {
    const finished = new Date(at(newestHoursAgo + 24 * i));
    return dumpRecord({
      key: `pg/billing-db/${finished.toISOString()}.dump`,
      relativeKey: `${finished.toISOString()}.dump`,
      size: 48_000_000 + i * 1000,
      lastModified: finished,
    });
  });
  return {
    location: 'main',
    locationDescription: 's3 bucket "backups"',
    tool: 'dump',
    prefix: 'pg/billing-db/',
    restoreTestPrefix: 'restore-tests/billing-db/',
    objectCount: dumps * 3,
    backups,
    pushedRuns: [],
    restoreTests: [],
    unreadable: [],
  };
}

const STATES: Record<string, BackupJobRun['state']> = {
  true: 'succeeded',
  false: 'failed',
  running: 'running',
};

/** The backup CronJob's Jobs, newest first: each `true` succeeded, `false` failed. */
function cronJob(outcomes: Array<boolean | 'running'>): BackupJob {
  return {
    job: 'CronJob billing/billing-db-backup on cluster prod-us',
    source: 'kubernetes:prod-us',
    schedule: '0 2 * * *',
    suspended: false,
    runs: outcomes.map((outcome, i) => ({
      name: `billing-db-backup-${29397960 - i * 1440}`,
      state: STATES[String(outcome)],
      startedAt: at(7 + 24 * i),
      ...(outcome === 'running' ? {} : { finishedAt: at(6.9 + 24 * i) }),
      ...(outcome === false
        ? {
            reason:
              'BackoffLimitExceeded: Job has reached the specified backoff limit',
          }
        : {}),
    })),
  };
}

async function judge(facts: BackupFacts, jobs?: BackupJob[]) {
  const result = await runCheckOnFixtures(check, {
    entity,
    now: NOW,
    facts: {
      [BACKUP_COLLECTOR_ID]: facts,
      ...(jobs
        ? { [BACKUP_JOB_RUNS_COLLECTOR_ID]: { jobs } as BackupJobRunsFacts }
        : {}),
    },
  });
  return { ...result, summary: describeSummary(result.summary, NOW) };
}

describe('backup.errors', () => {
  it("fails the first morning a backup job fails, although storage still holds last week's good dumps", async () => {
    // The job failed its last three nights; the newest dump in storage is from before.
    const result = await judge(storage(4, 79), [
      cronJob([false, false, false, true]),
    ]);
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Backup job CronJob billing/billing-db-backup on cluster prod-us failed its last 3 runs (newest billing-db-backup-29397960 6h 54m ago: BackoffLimitExceeded: Job has reached the specified backoff limit); last success 3d 6h ago',
    });
    expect(result.evidence!.map(e => e.value)).toEqual([
      expect.objectContaining({ run: 'billing-db-backup-29397960' }),
      expect.objectContaining({ run: 'billing-db-backup-29396520' }),
      expect.objectContaining({ run: 'billing-db-backup-29395080' }),
    ]);
    expect(result.evidence![0]).toMatchObject({
      label: 'failed run',
      source: 'kubernetes:prod-us',
    });
    expect(result.remediation).toContain('kubectl -n <namespace> logs job/');
  });

  it('fails when a job never succeeded and nothing reached storage, instead of having nothing to inspect', async () => {
    const result = await judge(storage(0), [cronJob([false])]);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain(
      'failed its last run (newest billing-db-backup-29397960',
    );
    expect(result.summary).toContain('last success never, in the runs kept');
  });

  it('judges the newest finished run while one is running', async () => {
    await expect(
      judge(storage(3), [cronJob(['running', false, true])]),
    ).resolves.toMatchObject({ status: 'fail' });
    await expect(
      judge(storage(3), [cronJob(['running', true, true])]),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('warns when the newest run succeeded after earlier failures', async () => {
    const result = await judge(storage(3), [cronJob([true, false, true])]);
    expect(result).toMatchObject({
      status: 'warn',
      summary:
        '1 of the last 3 runs of backup job CronJob billing/billing-db-backup on cluster prod-us failed (newest: billing-db-backup-29396520)',
    });
  });

  it('passes on storage and job history both clean, and says what it read', async () => {
    const result = await judge(storage(3), [cronJob([true, true, true])]);
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(
      /^The last 3 backups finished without errors \(newest .*\.dump, 7h ago\); the last 3 runs of backup job CronJob billing\/billing-db-backup on cluster prod-us succeeded$/,
    );
  });

  it('judges storage alone where no module provides job runs or the entity has no job, and never passes on job runs alone', async () => {
    await expect(judge(storage(3))).resolves.toMatchObject({
      status: 'pass',
    });
    await expect(judge(storage(3), [])).resolves.toMatchObject({
      status: 'pass',
    });
    await expect(judge(storage(0), [cronJob([true])])).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'The backup jobs\' last runs succeeded, but there are no backups under prefix "pg/billing-db/" of location main to inspect',
    });
    await expect(judge(storage(0), [])).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'No backups under prefix "pg/billing-db/" of location main to inspect for errors, and no backup job run of the entity',
    });
  });
});
