/** Tools whose metadata the module reads. */
export const BACKUP_TOOLS = ['pgbackrest', 'wal-g', 'velero', 'dump'] as const;

/** @public */
export type BackupTool = (typeof BACKUP_TOOLS)[number];

/** Backup types as the plan names them. */
export type BackupType = 'full' | 'differential' | 'incremental';

/** One backup, as the tool's own metadata describes it, normalised across tools. */
export interface BackupRecord {
  /** The tool's id: pgBackRest label, WAL-G backup name, Velero backup name, dump key. */
  id: string;
  type: BackupType;
  /** ISO 8601. */
  startedAt?: string;
  /** ISO 8601; when the backup finished (or was last written). */
  finishedAt: string;
  /** `partial`: finished with errors (Velero PartiallyFailed); `failed`: not usable. */
  status: 'succeeded' | 'partial' | 'failed';
  /** Why the backup is failed or partial. */
  problem?: string;
  /** Size the tool reports: bytes of the database, or items for Velero. */
  size?: number;
  sizeUnit: 'bytes' | 'items';
  /** Bytes the tool's metadata says this backup stored in the repository. */
  declaredStoredBytes?: number;
  /** The SHA-256 (hex) the backup job recorded for the backup's content (a dump's manifest). */
  declaredSha256?: string;
  /** What checking the content against `declaredSha256` found: verified, or why not. */
  checksum?: string;
  /** Bytes found in the location for this backup (from the listing). */
  storedBytes?: number;
  /** When the tool will delete the backup (Velero TTL). */
  expiresAt?: string;
  /** Key of the metadata the record comes from, or the pushed record it was read from. */
  source: string;
  /** Who pushed the record to the API, when it was pushed rather than read from the location. */
  pushedBy?: string;
}

/** Newest first by when it finished: restore-test records, backups. */
export function newestFinishedFirst(
  a: { finishedAt: string },
  b: { finishedAt: string },
): number {
  return Date.parse(b.finishedAt) - Date.parse(a.finishedAt);
}

/**
 * Backups newest first; ties (objects written in the same second) fall back to the id: tools
 * name backups by time.
 */
export function newestBackupFirst(a: BackupRecord, b: BackupRecord): number {
  return newestFinishedFirst(a, b) || b.id.localeCompare(a.id);
}

/** The newest archived WAL segment, for point-in-time recovery. */
export interface WalFact {
  segment: string;
  /** When the segment was archived (object time), ISO 8601. */
  archivedAt: string;
  key: string;
  /** Segments found under the archive prefix. */
  count: number;
  /**
   * Counted from the segment the newest successful backup stopped in: the last segment
   * reached without a gap (how far that backup can be rolled forward).
   */
  reached?: { segment: string; archivedAt: string };
  /** The first segment missing after that backup (`after`: the last one before the gap). */
  gap?: { after?: string; missing: string };
}

export const isoOrUndefined = (value: unknown): string | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};
