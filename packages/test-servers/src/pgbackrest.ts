import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  findPostgresBinary,
  startPostgres,
  startPostgresOnDataDir,
  TestPostgres,
} from './postgres';
import { createWorkDir, unprivilegedUser, WorkDir } from './workDir';

const execFileAsync = promisify(execFile);

/** A real PostgreSQL with a real pgBackRest posix repository next to it. */
export interface PgBackRestFixture {
  stanza: string;
  workDir: WorkDir;
  repoPath: string;
  /** The pgbackrest.conf (for `PGBACKREST_CONFIG` of a script that runs pgbackrest itself). */
  configPath: string;
  postgres: TestPostgres;
  /** Runs pgbackrest with the fixture's config as the unprivileged user. */
  pgbackrest(...args: string[]): Promise<string>;
  psql(port: number, sql: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartPgBackRestOptions {
  /** pgBackRest stanza name (default `orders`). */
  stanza?: string;
}

/**
 * Starts a real PostgreSQL with WAL archiving into a real pgBackRest posix repository,
 * everything as the `postgres` user when running as root. Nothing is backed up yet: run
 * `stanza-create` and `backup` through `pgbackrest()`.
 */
export async function startPgBackRest(
  options: StartPgBackRestOptions = {},
): Promise<PgBackRestFixture> {
  const stanza = options.stanza ?? 'orders';
  if (!/^[a-z][a-z0-9-]*$/.test(stanza)) {
    throw new Error(`Invalid pgBackRest stanza name: ${stanza}`);
  }
  const owner = unprivilegedUser();
  const workDir = createWorkDir('pgbackrest', owner);
  const conf = join(workDir.path, 'pgbackrest.conf');
  const repoPath = join(workDir.path, 'repo');
  const postgres = await startPostgres({
    settings: {
      archive_mode: 'on',
      wal_level: 'replica',
      archive_command: `pgbackrest --config=${conf} --stanza=${stanza} archive-push %p`,
    },
  }).catch(error => {
    workDir.remove();
    throw error;
  });
  for (const dir of ['log', 'lock']) {
    mkdirSync(join(workDir.path, dir));
    if (owner) chownSync(join(workDir.path, dir), owner.uid, owner.gid);
  }
  writeFileSync(
    conf,
    [
      '[global]',
      `repo1-path=${repoPath}`,
      `log-path=${join(workDir.path, 'log')}`,
      `lock-path=${join(workDir.path, 'lock')}`,
      'start-fast=y',
      'log-level-console=error',
      'repo1-retention-full=4',
      `[${stanza}]`,
      `pg1-path=${postgres.dataDir}`,
      `pg1-port=${postgres.port}`,
      `pg1-socket-path=${postgres.socketDir}`,
      '',
    ].join('\n'),
  );
  if (owner) chownSync(conf, owner.uid, owner.gid);
  const psqlBin = findPostgresBinary('psql');
  return {
    stanza,
    workDir,
    repoPath,
    configPath: conf,
    postgres,
    pgbackrest: async (...args) => {
      const { stdout } = await execFileAsync(
        'pgbackrest',
        [`--config=${conf}`, `--stanza=${stanza}`, ...args],
        { ...owner, cwd: workDir.path },
      ).catch(error => {
        throw new Error(
          `pgbackrest ${args.join(' ')} failed: ${
            error.stderr || error.stdout || error.message
          }`,
        );
      });
      return stdout;
    },
    psql: async (port, sql) => {
      const { stdout } = await execFileAsync(psqlBin, [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-At',
        '-c',
        sql,
      ]);
      return stdout.trim();
    },
    stop: async () => {
      await postgres.stop();
      workDir.remove();
    },
  };
}

/** Restores the newest backup into a fresh data folder and starts a second PostgreSQL on it. */
export async function restoreIntoScratch(fixture: PgBackRestFixture): Promise<{
  port: number;
  stop(): Promise<void>;
}> {
  const owner = unprivilegedUser();
  const scratch = createWorkDir('restore', owner);
  const dataDir = join(scratch.path, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  chmodSync(dataDir, 0o700);
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  await fixture.pgbackrest(
    `--pg1-path=${dataDir}`,
    '--type=immediate',
    '--target-action=promote',
    'restore',
  );
  const postgres = await startPostgresOnDataDir({
    name: 'restored PostgreSQL',
    dataDir,
    workDir: scratch,
    // The restored copy must never push WAL into the original's repository.
    settings: { archive_mode: 'off' },
    readyTimeoutMs: 60_000,
  });
  return { port: postgres.port, stop: () => postgres.stop() };
}
