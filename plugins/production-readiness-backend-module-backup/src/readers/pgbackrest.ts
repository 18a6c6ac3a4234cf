import { BackupRecord, BackupType, WalFact } from './types';

const TYPES: Record<string, BackupType> = {
  full: 'full',
  diff: 'differential',
  incr: 'incremental',
};

/**
 * Parses pgBackRest's `backup.info`: an INI file whose `[backup:current]` section has one
 * line per backup, `<label>=<JSON>`. A line-based parser rather than a generic INI library,
 * because INI libraries treat `;` and `#` inside values as comments.
 */
export function parseBackupInfo(text: string, source: string): BackupRecord[] {
  let section = '';
  const backups: BackupRecord[] = [];
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
    if (section !== 'backup:current') {
      continue;
    }
    const eq = line.indexOf('=');
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
    });
  }
  if (!sawHeader) {
    throw new Error(
      `${source}: not a pgBackRest info file (no [backrest] section)`,
    );
  }
  return backups;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

/**
 * A WAL segment file name as archived by pgBackRest (`<24 hex>-<sha1>[.gz]`) or WAL-G
 * (`<24 hex>.<compression>`); `.backup` and `.history` files are not segments.
 */
const SEGMENT =
  /(?:^|\/)([0-9A-F]{24})(?:-[0-9a-f]{40})?(?:\.(?:gz|lz4|zst|bz2|xz|br|lzma))?$/;

/** The newest WAL segment among listed objects (by segment name, the order PostgreSQL writes them). */
export function newestWalSegment(
  objects: Array<{ key: string; lastModified: Date }>,
): WalFact | undefined {
  let newest: WalFact | undefined;
  let count = 0;
  for (const object of objects) {
    const match = SEGMENT.exec(object.key);
    if (!match) {
      continue;
    }
    count += 1;
    if (!newest || match[1] > newest.segment) {
      newest = {
        segment: match[1],
        archivedAt: object.lastModified.toISOString(),
        key: object.key,
        count: 0,
      };
    }
  }
  return newest && { ...newest, count };
}
