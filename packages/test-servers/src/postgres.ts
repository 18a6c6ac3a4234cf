import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary, ServerProcess } from './ServerProcess';
import { freePort } from './httpServer';
import { createWorkDir, unprivilegedUser, WorkDir } from './workDir';

const execFileAsync = promisify(execFile);

const PG_BIN_DIRS = ['18', '17', '16', '15', '14'].map(
  v => `/usr/lib/postgresql/${v}/bin`,
);

/** A throwaway PostgreSQL server on loopback. */
export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`, trust auth. */
  connectionString: string;
  dataDir: string;
  /** Folder holding the server's unix socket. */
  socketDir: string;
  stop(): Promise<void>;
  server: ServerProcess;
}

export interface StartPostgresOptions {
  /** Extra `postgresql.conf` settings applied before start (for example WAL archiving). */
  settings?: Record<string, string | number>;
}

function quoteSetting(value: string | number): string {
  return typeof value === 'number'
    ? String(value)
    : `'${value.replace(/'/g, "''")}'`;
}

/** A PostgreSQL binary from PATH or the Debian install folders. */
export function findPostgresBinary(
  name: 'initdb' | 'postgres' | 'pg_isready' | 'psql',
): string {
  return findBinary({
    names: [name],
    extraDirs: PG_BIN_DIRS,
    debianPackage:
      name === 'pg_isready' || name === 'psql'
        ? 'postgresql-client'
        : 'postgresql',
  });
}

/**
 * Runs `postgres` on an existing data folder, on a free loopback port with its socket in
 * `workDir`, as the `postgres` user when running as root; resolves once it accepts
 * connections. `workDir` is removed when the server fails to start or is stopped.
 */
export async function startPostgresOnDataDir(options: {
  name: string;
  dataDir: string;
  workDir: WorkDir;
  /**
   * Settings appended to the folder's `postgresql.conf` (later lines win), so that copies
   * of the folder (restores) inherit them.
   */
  settings?: Record<string, string | number>;
  readyTimeoutMs?: number;
}): Promise<TestPostgres> {
  const { dataDir, workDir } = options;
  const owner = unprivilegedUser();
  const pgIsReady = findPostgresBinary('pg_isready');
  const port = await freePort();
  const settings: Record<string, string | number> = {
    port,
    listen_addresses: '127.0.0.1',
    unix_socket_directories: workDir.path,
    ...options.settings,
  };
  appendFileSync(
    join(dataDir, 'postgresql.conf'),
    `\n${Object.entries(settings)
      .map(([k, v]) => `${k} = ${quoteSetting(v)}`)
      .join('\n')}\n`,
  );
  const server = ServerProcess.start({
    name: options.name,
    command: findPostgresBinary('postgres'),
    args: ['-D', dataDir],
    spawnOptions: { ...owner },
    stopSignal: 'SIGINT',
  });
  try {
    await server.waitUntilReady(
      () =>
        execFileAsync(pgIsReady, [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
        ]).then(
          () => true,
          () => false,
        ),
      options.readyTimeoutMs,
    );
  } catch (error) {
    workDir.remove();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    socketDir: workDir.path,
    server,
    async stop() {
      await server.stop();
      workDir.remove();
    },
  };
}

/**
 * Starts a real PostgreSQL (initdb + postgres) on a free loopback port, as the `postgres`
 * user when running as root. Resolves once it accepts connections.
 */
export async function startPostgres(
  options: StartPostgresOptions = {},
): Promise<TestPostgres> {
  const owner = unprivilegedUser();
  const workDir = createWorkDir('postgres', owner);
  const dataDir = join(workDir.path, 'data');
  try {
    await execFileAsync(
      findPostgresBinary('initdb'),
      [
        '-D',
        dataDir,
        '-A',
        'trust',
        '-U',
        'postgres',
        '-E',
        'UTF8',
        '--no-sync',
      ],
      { ...owner },
    );
  } catch (error) {
    workDir.remove();
    const e = error as { stderr?: string; message: string };
    throw new Error(`initdb failed: ${e.stderr || e.message}`);
  }
  return startPostgresOnDataDir({
    name: 'PostgreSQL',
    dataDir,
    workDir,
    settings: { fsync: 'off', max_connections: 200, ...options.settings },
  });
}

/** The major version of the PostgreSQL server binary `startPostgres` uses, e.g. 15. */
export function findPostgresMajorVersion(): number {
  const output = execFileSync(findPostgresBinary('postgres'), [
    '--version',
  ]).toString();
  const match = output.match(/\(PostgreSQL\) (\d+)/);
  if (!match) {
    throw new Error(`Cannot read the PostgreSQL version from: ${output}`);
  }
  return Number(match[1]);
}
