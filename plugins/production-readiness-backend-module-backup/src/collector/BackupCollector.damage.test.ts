/*
 * Verdicts as a DBA would give them, on real pgBackRest repositories damaged the way real
 * repositories get damaged. One real PostgreSQL with WAL archiving is backed up (full, diff,
 * incr, then more WAL archived); each scenario is a copy of that repository, damaged, read
 * through a filesystem location. Where pgBackRest itself answers (`pgbackrest verify`, `info`
 * on the same copy), the verdicts are compared with its answer, computed in the test.
 */
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  startPostgres,
  unprivilegedUser,
  waitFor,
} from '@internal/test-servers';
import { BACKUP_MODULE_ANNOTATIONS } from '../annotations';
import { evaluateOnFolder } from '../__testUtils__/evaluate';
import {
  INCREMENTAL_PLAN,
  PgBackRestFixture,
  STANZA,
  startPgBackRest,
} from '../__testUtils__/pgbackrest';

jest.setTimeout(240_000);

const execFileAsync = promisify(execFile);

describe('backup verdicts on damaged real pgBackRest repositories', () => {
  let fixture: PgBackRestFixture;
  let root: string;
  let labels: { full: string; diff: string; incr: string };
  /** The segments archived after the incremental backup stopped. */
  let after: string[];

  /** Every file under a folder, largest first. */
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter(e => e.isFile())
      .map(e => join(e.parentPath, e.name))
      .sort((a, b) => statSync(b).size - statSync(a).size);
  const backupDir = (name: string, label: string) =>
    join(root, name, 'backup', STANZA, label);
  const archiveDir = (name: string) =>
    join(root, name, 'archive', STANZA, '15-1');
  const segmentFile = (name: string, segment: string) =>
    files(archiveDir(name)).find(f => f.includes(`/${segment}-`))!;

  /** A copy of the repository, damaged by `damage`. */
  function scenario(name: string, damage: (name: string) => void = () => {}) {
    cpSync(fixture.repoPath, join(root, name), { recursive: true });
    damage(name);
  }

  const evaluate = (name: string) =>
    evaluateOnFolder({
      root,
      name,
      annotations: {
        [ANNOTATIONS.backupPrefix]: name,
        [ANNOTATIONS.backupTool]: 'pgbackrest',
        [ANNOTATIONS.backupPlan]: INCREMENTAL_PLAN,
        [BACKUP_MODULE_ANNOTATIONS.pitr]: '1h',
      },
    });

  /** What `pgbackrest verify` finds wrong in a scenario's copy: its log's error lines. */
  async function verify(name: string): Promise<string> {
    const { stdout } = await execFileAsync(
      'pgbackrest',
      [
        `--config=${join(fixture.workDir.path, 'pgbackrest.conf')}`,
        `--repo1-path=${join(root, name)}`,
        `--stanza=${STANZA}`,
        '--log-level-console=info',
        'verify',
      ],
      { cwd: fixture.workDir.path },
    ).catch(error => ({ stdout: `${error.stdout}${error.stderr}` }));
    return stdout;
  }

  beforeAll(async () => {
    fixture = await startPgBackRest();
    const { port } = fixture.postgres;
    await fixture.psql(
      port,
      `CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL); INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 20000) g`,
    );
    await fixture.pgbackrest('stanza-create');
    await fixture.pgbackrest('--type=full', 'backup');
    await fixture.psql(port, `UPDATE users SET email = email || '.diff'`);
    await fixture.pgbackrest('--type=diff', 'backup');
    await fixture.psql(port, `UPDATE users SET email = email || '.incr'`);
    await fixture.pgbackrest('--type=incr', 'backup');
    // Writes after the incremental backup, archived segment by segment.
    for (let i = 0; i < 3; i++) {
      await fixture.psql(port, `INSERT INTO users (email) VALUES ('late${i}')`);
      await fixture.pgbackrest('check');
    }
    const [info] = JSON.parse(
      await fixture.pgbackrest('info', '--output=json'),
    );
    const byType = (type: string) =>
      info.backup.find((b: any) => b.type === type);
    labels = {
      full: byType('full').label,
      diff: byType('diff').label,
      incr: byType('incr').label,
    };
    const stop = byType('incr').archive.stop as string;
    after = files(join(fixture.repoPath, 'archive', STANZA, '15-1'))
      .map(f => /([0-9A-F]{24})-[0-9a-f]{40}/.exec(f)?.[1])
      .filter((s): s is string => !!s && s > stop)
      .sort();
    root = mkdtempSync(join(tmpdir(), 'pr-backup-damage-'));
    // pgbackrest verify runs as the fixture's user on the copies.
    chmodSync(root, 0o777);
  });

  afterAll(async () => {
    await fixture?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('passes the intact repository, with the recovery point at the newest archived segment', async () => {
    scenario('intact');
    const results = await evaluate('intact');
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect(results['backup.fresh']).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        new RegExp(
          `^Recovery point: WAL segment ${
            after[after.length - 1]
          } archived .*, replayable without a gap from incr backup ${
            labels.incr
          } \\(finished .*\\), within the RPO of 1h$`,
        ),
      ),
    });
    for (const id of ['backup.errors', 'backup.pitr-wal', 'backup.size-sane']) {
      expect({ id, ...results[id] }).toMatchObject({ id, status: 'pass' });
    }
    expect(await verify('intact')).not.toMatch(/ERROR|invalid|missing/i);
  });

  /** The backups `pgbackrest verify` finds invalid in a scenario's copy. */
  const invalidPerVerify = async (name: string) =>
    [...(await verify(name)).matchAll(/backup: (\S+), status: invalid/g)].map(
      m => m[1],
    );

  it('does not count a truncated incremental, agreeing with pgbackrest verify', async () => {
    scenario('truncated-incr', name => {
      const [largest] = files(backupDir(name, labels.incr)).filter(
        f => !f.includes('backup.manifest'),
      );
      truncateSync(largest, 10);
    });
    const results = await evaluate('truncated-incr');
    expect(await invalidPerVerify('truncated-incr')).toEqual([labels.incr]);
    expect(results['backup.errors']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        new RegExp(
          `^Newest backup ${labels.incr} failed .*: files missing or truncated: backup.info declares .* stored, the location holds .* for it$`,
        ),
      ),
    });
    // The newest restorable backup is the differential one it builds on.
    expect(results['backup.fresh']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(`from diff backup ${labels.diff}`),
    });
    expect(results['backup.size-sane'].status).toBe('fail');
    expect(results['backup.method']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('no incr backup found'),
    });
  });

  it('does not count an incremental whose prior backup was deleted, naming the broken link', async () => {
    scenario('deleted-prior', name =>
      rmSync(backupDir(name, labels.diff), { recursive: true }),
    );
    const results = await evaluate('deleted-prior');
    // verify finds the incremental's files in the deleted backup missing; so does the module,
    // which also names the deleted backup itself.
    expect(await invalidPerVerify('deleted-prior')).toEqual([labels.incr]);
    expect(results['backup.errors']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        `the backup it builds on, ${labels.diff}, cannot be restored (files missing or truncated: backup.info declares`,
      ),
    });
    expect(results['backup.fresh']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(`from full backup ${labels.full}`),
    });
  });

  it('counts no backup as restorable when the WAL archive is empty, which pgbackrest verify does not notice', async () => {
    scenario('empty-archive', name => {
      for (const file of files(archiveDir(name))) rmSync(file);
    });
    const results = await evaluate('empty-archive');
    expect(await invalidPerVerify('empty-archive')).toEqual([]);
    expect(results['backup.fresh']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        new RegExp(
          `^None of the 3 pgbackrest backups under prefix "empty-archive/" of location nfs succeeded \\(newest, ${labels.incr}: the backup it builds on, ${labels.diff}, cannot be restored \\(WAL segment [0-9A-F]{24}, needed to make it consistent`,
        ),
      ),
    });
    expect(results['backup.pitr-wal'].status).toBe('fail');
    expect(results['backup.size-sane']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('can be restored'),
    });
  });

  it('fails point-in-time recovery and freshness both on a gap in the archive after the newest backup', async () => {
    scenario('archive-gap', name => rmSync(segmentFile(name, after[0])));
    const results = await evaluate('archive-gap');
    expect(results['backup.pitr-wal']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        `The WAL archive has a gap after the newest restorable backup: segment ${after[0]} is missing`,
      ),
    });
    expect(results['backup.fresh']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        `but the WAL archive has a gap after it: segment ${after[0]} is missing`,
      ),
    });
    // The backups themselves are intact.
    expect(results['backup.errors'].status).toBe('pass');
  });

  it('does not count a backup still running (in the repository, not yet in backup.info)', async () => {
    const running = `${labels.full}_29991231-000000I`;
    scenario('running', name => {
      cpSync(backupDir(name, labels.incr), backupDir(name, running), {
        recursive: true,
      });
      rmSync(join(backupDir(name, running), 'backup.manifest'));
    });
    const results = await evaluate('running');
    expect(results['backup.fresh'].summary).toContain(
      `from incr backup ${labels.incr}`,
    );
    expect(results['backup.errors'].status).toBe('pass');
  });

  it('counts only the current cluster after a stanza upgrade, as pgbackrest info tells them apart', async () => {
    // A stanza backed up once, then taken over by a new cluster (a new system id, as after a
    // major-version upgrade): stanza-upgrade, and a full backup of the new cluster.
    const old = await startPgBackRest();
    const next = await startPostgres({
      settings: {
        archive_mode: 'on',
        wal_level: 'replica',
        archive_command: `pgbackrest --config=${join(
          old.workDir.path,
          'pgbackrest-next.conf',
        )} --stanza=${STANZA} archive-push %p`,
      },
    });
    try {
      await old.pgbackrest('stanza-create');
      await old.pgbackrest('--type=full', 'backup');
      await old.psql(
        old.postgres.port,
        "ALTER SYSTEM SET archive_mode = 'off'",
      );
      const conf = join(old.workDir.path, 'pgbackrest-next.conf');
      writeFileSync(
        conf,
        readFileSync(join(old.workDir.path, 'pgbackrest.conf'), 'utf8')
          .replace(/^pg1-path=.*$/m, `pg1-path=${next.dataDir}`)
          .replace(/^pg1-port=.*$/m, `pg1-port=${next.port}`)
          .replace(
            /^pg1-socket-path=.*$/m,
            `pg1-socket-path=${next.socketDir}`,
          ),
      );
      const owner = unprivilegedUser();
      if (owner) chownSync(conf, owner.uid, owner.gid);
      const pgbackrest = (...args: string[]) =>
        execFileAsync(
          'pgbackrest',
          [`--config=${conf}`, `--stanza=${STANZA}`, ...args],
          { ...owner, cwd: old.workDir.path },
        );
      await pgbackrest('stanza-upgrade');
      await pgbackrest('--type=full', 'backup');
      cpSync(old.repoPath, join(root, 'upgraded'), { recursive: true });
      const [info] = JSON.parse(
        (await pgbackrest('info', '--output=json')).stdout,
      );
      // pgBackRest's answer: the clusters of the stanza, and the backups of the current one.
      expect(info.db.map((db: any) => db.id)).toEqual([1, 2]);
      const currentBackups = info.backup.filter(
        (b: any) => b.database.id === 2,
      );
      expect(currentBackups).toHaveLength(1);

      const results = await evaluate('upgraded');
      expect(results['backup.fresh']).toMatchObject({
        status: 'pass',
        summary: expect.stringContaining(
          `from full backup ${currentBackups[0].label}`,
        ),
      });
      expect(results['backup.fresh'].evidence).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            label: 'stanza upgraded',
            value: expect.stringMatching(
              /^only cluster db-id 2 \(PostgreSQL 1\d\) counts; 1 backups and \d+ WAL segments of the earlier db-id 1 \(PostgreSQL 1\d\) are not counted/,
            ),
          }),
        ]),
      );
      // Retention counts the new cluster's backups only, and says why.
      expect(results['backup.retention'].summary).toContain(
        '1 of the 3 backups',
      );
      expect(results['backup.retention'].evidence?.map(e => e.label)).toContain(
        'stanza upgraded',
      );
    } finally {
      await next.stop();
      await old.stop();
    }
  });

  it('fails the RPO once the archive lag passes it, while the base backup is still within its daily schedule', async () => {
    // Archiving stops on the real PostgreSQL: new WAL is written, never archived.
    const { port } = fixture.postgres;
    await fixture.psql(port, "ALTER SYSTEM SET archive_command = 'false'");
    await fixture.psql(port, 'SELECT pg_reload_conf()');
    await fixture.psql(port, "INSERT INTO users (email) VALUES ('unarchived')");
    await fixture.psql(port, 'SELECT pg_switch_wal()');
    await waitFor(
      'the archiver to fail',
      async () =>
        Number(
          await fixture.psql(port, 'SELECT failed_count FROM pg_stat_archiver'),
        ) > 0,
      30_000,
    );
    scenario('archiving-stopped');
    const daily = INCREMENTAL_PLAN.replace(
      'schedule: "0 * * * *"',
      'schedule: "0 2 * * *"',
    );
    const judge = (hours: number) =>
      evaluateOnFolder({
        root,
        name: 'archiving-stopped',
        now: new Date(Date.now() + hours * 3_600_000),
        annotations: {
          [ANNOTATIONS.backupPrefix]: 'archiving-stopped',
          [ANNOTATIONS.backupTool]: 'pgbackrest',
          [ANNOTATIONS.backupPlan]: daily,
          [BACKUP_MODULE_ANNOTATIONS.pitr]: 'true',
        },
      });
    const soon = await judge(0.5);
    expect(soon['backup.fresh']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        `Recovery point: WAL segment ${
          after[after.length - 1]
        } archived 30m ago`,
      ),
    });
    const later = await judge(2);
    expect(later['backup.fresh']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        new RegExp(
          `^Recovery point: WAL segment ${
            after[after.length - 1]
          } archived 2h ago, .*older than the RPO of 1h$`,
        ),
      ),
    });
    // The base backups are on their daily schedule: only the recovery point is late.
    expect(later['backup.method'].status).toBe('pass');
    expect(later['backup.pitr-wal'].status).toBe('fail');
  });
});
