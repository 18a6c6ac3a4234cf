import { BackupRecord, isoOrUndefined } from './types';

/** Matches `backups/<name>/velero-backup.json`. */
export const VELERO_BACKUP = /^backups\/([^/]+)\/velero-backup\.json$/;

const FAILED = new Set(['Failed', 'FailedValidation']);
const PARTIAL = new Set([
  'PartiallyFailed',
  'WaitingForPluginOperationsPartiallyFailed',
  'FinalizingPartiallyFailed',
]);

function outcome(phase: string, errors: number): BackupRecord['status'] {
  if (FAILED.has(phase)) {
    return 'failed';
  }
  return PARTIAL.has(phase) || errors > 0 ? 'partial' : 'succeeded';
}

/** Reads `velero-backup.json`, the Backup resource Velero stores beside the backup's data. */
export function parseVeleroBackup(
  name: string,
  text: string,
  source: string,
  writtenAt: Date,
): BackupRecord | undefined {
  let backup: {
    kind?: string;
    metadata?: { name?: string; creationTimestamp?: string };
    status?: {
      phase?: string;
      startTimestamp?: string;
      completionTimestamp?: string;
      expiration?: string;
      errors?: number;
      warnings?: number;
      failureReason?: string;
      validationErrors?: string[];
      progress?: { totalItems?: number; itemsBackedUp?: number };
    };
  };
  try {
    backup = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not valid JSON`);
  }
  if (backup?.kind !== 'Backup' || !backup.status) {
    throw new Error(`${source}: not a Velero Backup (kind "${backup?.kind}")`);
  }
  const status = backup.status;
  const phase = status.phase ?? 'New';
  // Backups still running are not backups yet.
  if (!FAILED.has(phase) && !PARTIAL.has(phase) && phase !== 'Completed') {
    return undefined;
  }
  const errors = status.errors ?? 0;
  const problems = [
    phase !== 'Completed' && `phase ${phase}`,
    errors > 0 && `${errors} errors`,
    status.failureReason && status.failureReason,
    status.validationErrors?.length && status.validationErrors.join('; '),
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  return {
    id: backup.metadata?.name ?? name,
    type: 'full',
    startedAt: isoOrUndefined(status.startTimestamp),
    finishedAt:
      isoOrUndefined(status.completionTimestamp) ??
      isoOrUndefined(status.startTimestamp) ??
      writtenAt.toISOString(),
    status: outcome(phase, errors),
    problem: problems.length ? problems.join('; ') : undefined,
    size: status.progress?.itemsBackedUp,
    sizeUnit: 'items',
    expiresAt: isoOrUndefined(status.expiration),
    source,
  };
}
