import { BackupRecord, BackupType } from './types';

/** A backup as pgBackRest's `backup.info` lists it, with what its restorability depends on. */
export interface PgBackRestBackup extends BackupRecord {
  /** The cluster (db-id of `[db:history]`) it was taken of. */
  dbId?: number;
  /** The backup an incremental or differential one builds on. */
  prior?: string;
  /** First and last WAL segment needed to make it consistent. */
  archiveStart?: string;
  archiveStop?: string;
  lsnStart?: string;
  /** That WAL must come from the archive (archive check on, not copied into the backup). */
  needsArchivedWal: boolean;
}

/** A stanza's `backup.info`: its backups and the clusters it has held. */
export interface PgBackRestInfo {
  backups: PgBackRestBackup[];
  /** The current cluster (`[db] db-id`) and its PostgreSQL major version. */
  dbId?: number;
  dbVersion?: string;
  /** Every cluster the stanza held (`[db:history]`), oldest first. */
  clusters: Array<{ dbId: number; version: string }>;
}

const TYPES: Record<string, BackupType> = {
  full: 'full',
  diff: 'differential',
  incr: 'incremental',
};

/**
 * Parses pgBackRest's `backup.info`: an INI file whose `[backup:current]` section has one
 * line per backup, `<label>=<JSON>`, `[db]` names the current cluster and `[db:history]` every
 * cluster the stanza held. A line-based parser rather than a generic INI library, because INI
 * libraries treat `;` and `#` inside values as comments.
 */
export function parseBackupInfo(text: string, source: string): PgBackRestInfo {
  let section = '';
  const backups: PgBackRestBackup[] = [];
  const info: PgBackRestInfo = { backups, clusters: [] };
  let sawHeader = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      continue;
    }
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      sawHeader ||= section === 'backrest';
      continue;
    }
    const eq = line.indexOf('=');
    if (section === 'db' && eq > 0) {
      const value = line.slice(eq + 1).replace(/^"(.*)"$/, '$1');
      if (line.startsWith('db-id=')) info.dbId = Number(value);
      if (line.startsWith('db-version=')) info.dbVersion = value;
      continue;
    }
    if (section === 'db:history' && eq > 0) {
      try {
        const value = JSON.parse(line.slice(eq + 1));
        info.clusters.push({
          dbId: Number(line.slice(0, eq)),
          version: String(value['db-version']),
        });
      } catch {
        throw new Error(
          `${source}: cluster ${line.slice(
            0,
            eq,
          )} of [db:history] is not valid JSON`,
        );
      }
      continue;
    }
    if (section !== 'backup:current') {
      continue;
    }
    if (eq <= 0) {
      throw new Error(
        `${source}: line "${line.slice(0, 80)}" is not key=value`,
      );
    }
    const label = line.slice(0, eq);
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line.slice(eq + 1));
    } catch {
      throw new Error(`${source}: backup ${label} is not valid JSON`);
    }
    const type = TYPES[String(value['backup-type'])];
    const start = Number(value['backup-timestamp-start']);
    const stop = Number(value['backup-timestamp-stop']);
    if (!type || !Number.isFinite(stop) || stop <= 0) {
      throw new Error(
        `${source}: backup ${label} has no valid backup-type or backup-timestamp-stop`,
      );
    }
    const error = value['backup-error'] === true;
    backups.push({
      id: label,
      type,
      startedAt: Number.isFinite(start)
        ? new Date(start * 1000).toISOString()
        : undefined,
      finishedAt: new Date(stop * 1000).toISOString(),
      status: error ? 'failed' : 'succeeded',
      problem: error
        ? 'pgBackRest flagged backup-error (page checksum errors or files that could not be read)'
        : undefined,
      size: numberOrUndefined(value['backup-info-size']),
      sizeUnit: 'bytes',
      declaredStoredBytes: numberOrUndefined(
        value['backup-info-repo-size-delta'],
      ),
      source,
      dbId: numberOrUndefined(value['db-id']),
      prior: stringOrUndefined(value['backup-prior']),
      archiveStart: stringOrUndefined(value['backup-archive-start']),
      archiveStop: stringOrUndefined(value['backup-archive-stop']),
      lsnStart: stringOrUndefined(value['backup-lsn-start']),
      needsArchivedWal:
        value['option-archive-check'] !== false &&
        value['option-archive-copy'] !== true,
    });
  }
  if (!sawHeader) {
    throw new Error(
      `${source}: not a pgBackRest info file (no [backrest] section)`,
    );
  }
  info.clusters.sort((a, b) => a.dbId - b.dbId);
  return info;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}
