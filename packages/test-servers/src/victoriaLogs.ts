import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer, TestHttpServer } from './httpServer';
import { createWorkDir } from './workDir';

/**
 * The VictoriaLogs binary scripts/bootstrap.sh builds from the Go module proxy into the
 * machine-wide cache (`VICTORIALOGS_BIN`, else the newest `victoria-logs-*` there).
 */
export function findVictoriaLogs(): string {
  const fromEnv = process.env.VICTORIALOGS_BIN;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const dir = join(
    process.env.PRODUCTION_READINESS_CACHE ??
      join(homedir(), '.cache', 'production-readiness'),
    'bin',
  );
  const built = existsSync(dir)
    ? readdirSync(dir)
        .filter(f => f.startsWith('victoria-logs-') && !f.endsWith('.tmp'))
        .sort()
    : [];
  if (!built.length) {
    throw new Error(
      `VictoriaLogs not found in ${dir}: scripts/bootstrap.sh builds it from the Go module proxy (source it, or run scripts/test)`,
    );
  }
  return join(dir, built[built.length - 1]);
}

/** A real VictoriaLogs on loopback, with helpers to push JSON lines and read its counters. */
export interface TestVictoriaLogs extends TestHttpServer {
  /**
   * Pushes JSON lines (`/insert/jsonline`) with `streamFields` as the stream, and waits until
   * queries see them.
   */
  pushJsonLines(
    lines: Array<Record<string, unknown>>,
    streamFields: string[],
  ): Promise<void>;
}

/**
 * How many lines a query can see right now. Ingested lines become searchable about a second
 * later, and VictoriaLogs caches its own /metrics for seconds, so waiting on either counter
 * alone races the checks that read the lines.
 */
async function searchableRows(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/select/logsql/stats_query`, {
    method: 'POST',
    body: new URLSearchParams({ query: '* | stats count() as rows' }),
  });
  const body = (await response.json()) as {
    data?: { result?: Array<{ value: [number, string] }> };
  };
  return Number(body.data?.result?.[0]?.value[1] ?? 0);
}

/** Starts VictoriaLogs on a free loopback port with its own data folder. */
export async function startVictoriaLogs(
  options: {
    retentionPeriod?: string;
    /** More command-line flags, e.g. `-retention.maxDiskSpaceUsageBytes=10GiB`. */
    flags?: string[];
  } = {},
): Promise<TestVictoriaLogs> {
  const binary = findVictoriaLogs();
  const workDir = createWorkDir('victorialogs');
  const server = await startHttpServer({
    name: 'VictoriaLogs',
    command: binary,
    args: port => [
      `-storageDataPath=${join(workDir.path, 'data')}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      `-retentionPeriod=${options.retentionPeriod ?? '7d'}`,
      ...(options.flags ?? []),
    ],
    workDir,
    readyPath: '/health',
  });
  return {
    ...server,
    async pushJsonLines(lines, streamFields) {
      const before = await searchableRows(server.baseUrl);
      const query = new URLSearchParams({
        _stream_fields: streamFields.join(','),
      });
      const response = await fetch(
        `${server.baseUrl}/insert/jsonline?${query}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/stream+json' },
          body: `${lines.map(l => JSON.stringify(l)).join('\n')}\n`,
        },
      );
      if (!response.ok) {
        throw new Error(
          `VictoriaLogs refused the lines: ${
            response.status
          } ${await response.text()}`,
        );
      }
      const deadline = Date.now() + 10_000;
      while ((await searchableRows(server.baseUrl)) < before + lines.length) {
        if (Date.now() > deadline) {
          throw new Error(
            `VictoriaLogs answered ${response.status} but did not make the ${lines.length} lines searchable within 10 s`,
          );
        }
        await new Promise(r => setTimeout(r, 100));
      }
    },
  };
}
