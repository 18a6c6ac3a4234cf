import { BackupRecord, isoOrUndefined } from './types';

/** Matches `basebackups_005/<name>_backup_stop_sentinel.json`. */
export const WALG_SENTINEL =
  /^basebackups_005\/([^/]+)_backup_stop_sentinel\.json$/;

/**
 * Reads a WAL-G sentinel (`BackupSentinelDto`): written when `backup-push` completes, so its
 * presence marks a finished backup. Delta backups (`DeltaFrom`) are incremental. Times come
 * from the sentinel when it has them, otherwise from when the sentinel was written.
 */
export function parseWalgSentinel(
  name: string,
  text: string,
  source: string,
  writtenAt: Date,
): BackupRecord {
  let dto: Record<string, unknown>;
  try {
    dto = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not valid JSON`);
  }
  if (!dto || typeof dto !== 'object' || Array.isArray(dto)) {
    throw new Error(`${source}: not a WAL-G sentinel object`);
  }
  const delta = typeof dto.DeltaFrom === 'string' && dto.DeltaFrom !== '';
  const size =
    typeof dto.DataCatalogSize === 'number' && dto.DataCatalogSize > 0
      ? dto.DataCatalogSize
      : dto.UncompressedSize;
  return {
    id: name,
    type: delta ? 'incremental' : 'full',
    startedAt: isoOrUndefined(dto.StartTime),
    finishedAt: isoOrUndefined(dto.FinishTime) ?? writtenAt.toISOString(),
    status: 'succeeded',
    size: typeof size === 'number' ? size : undefined,
    sizeUnit: 'bytes',
    declaredStoredBytes:
      typeof dto.CompressedSize === 'number' ? dto.CompressedSize : undefined,
    source,
  };
}
