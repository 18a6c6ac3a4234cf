import { formatBytes } from '@production-readiness/plugin-production-readiness-common';
import { PgBackRestBackup } from './pgbackrest';
import { BackupRecord } from './types';
import { firstMissing, WalArchive } from './walArchive';

/**
 * Judges each backup of one cluster the way a restore would meet it, oldest first: a backup
 * whose files are missing or truncated in the location (fewer bytes than `backup.info`
 * declares), whose prior backup is gone or broken, or whose WAL to reach consistency is
 * missing from the archive cannot be restored, and is `failed` with the broken link named.
 */
export function judgeChain(
  backups: PgBackRestBackup[],
  storedBytes: Map<string, number>,
  archive: WalArchive,
): BackupRecord[] {
  const labels = new Set(backups.map(b => b.id));
  /** Why each broken backup cannot be restored, at the root of its chain. */
  const broken = new Map<string, string>();
  const oldestFirst = [...backups].sort(
    (a, b) =>
      Date.parse(a.finishedAt) - Date.parse(b.finishedAt) ||
      a.id.localeCompare(b.id),
  );
  return oldestFirst.map(backup => {
    const stored = storedBytes.get(backup.id) ?? 0;
    const problem = brokenLink(backup, stored, labels, broken, archive);
    const {
      dbId,
      prior,
      archiveStart,
      archiveStop,
      lsnStart,
      needsArchivedWal,
      ...judged
    } = backup;
    if (problem) {
      broken.set(
        backup.id,
        backup.prior && broken.has(backup.prior)
          ? broken.get(backup.prior)!
          : problem,
      );
      return {
        ...judged,
        storedBytes: stored,
        status: 'failed',
        problem: judged.problem ? `${judged.problem}; ${problem}` : problem,
      };
    }
    return { ...judged, storedBytes: stored };
  });
}

function brokenLink(
  backup: PgBackRestBackup,
  stored: number,
  labels: Set<string>,
  broken: Map<string, string>,
  archive: WalArchive,
): string | undefined {
  if (backup.prior && !labels.has(backup.prior)) {
    return `the backup it builds on, ${backup.prior}, is gone from the repository`;
  }
  if (backup.prior && broken.has(backup.prior)) {
    return `the backup it builds on, ${
      backup.prior
    }, cannot be restored (${broken.get(backup.prior)})`;
  }
  if (
    backup.declaredStoredBytes !== undefined &&
    stored < backup.declaredStoredBytes
  ) {
    const declared = backup.declaredStoredBytes;
    // Exact bytes where the rounded sizes look the same.
    const size = (bytes: number) =>
      formatBytes(bytes) === formatBytes(bytes === stored ? declared : stored)
        ? `${formatBytes(bytes)} (${bytes} bytes)`
        : formatBytes(bytes);
    return `files missing or truncated: backup.info declares ${size(
      declared,
    )} stored, the location holds ${size(stored)} for it`;
  }
  if (backup.needsArchivedWal && backup.archiveStart && backup.archiveStop) {
    const missing = firstMissing(
      archive,
      backup.archiveStart,
      backup.archiveStop,
    );
    if (missing) {
      return `WAL segment ${missing}, needed to make it consistent (${backup.archiveStart} to ${backup.archiveStop}), is missing from the archive`;
    }
  }
  return undefined;
}
