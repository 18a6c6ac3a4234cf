import { Entity } from '@backstage/catalog-model';
import {
  Evidence,
  summaryTime,
} from '@production-readiness/plugin-production-readiness-common';
import { BACKUP_MODULE_ANNOTATIONS } from '../annotations';
import { BackupFacts } from '../collector/BackupCollector';
import { BackupRecord } from '../readers/types';

/** Whether the entity declares point-in-time recovery (`backup-pitr`: true or a duration). */
export function declaresPitr(entity: Entity): boolean {
  const declared =
    entity.metadata.annotations?.[BACKUP_MODULE_ANNOTATIONS.pitr]?.trim() ?? '';
  return declared !== '' && declared.toLowerCase() !== 'false';
}

/**
 * The point the newest successful backup can be restored to: with point-in-time recovery
 * declared and a pgBackRest archive read, the last WAL segment archived without a gap after
 * that backup (when later than the backup); otherwise the backup's own end. `gap` names the
 * first missing segment: WAL after it cannot be replayed.
 */
export function recoveryPoint(
  facts: BackupFacts,
  newest: BackupRecord,
  entity: Entity,
  typeName: string,
): { at: string; what: string; gap?: string } {
  const backupEnd = {
    at: newest.finishedAt,
    what: `Newest successful backup ${
      newest.id
    } (${typeName}) finished ${summaryTime(newest.finishedAt)}`,
  };
  const wal = facts.wal;
  if (!declaresPitr(entity) || !wal || facts.pushedRuns.includes(newest)) {
    return backupEnd;
  }
  if (wal.gap) {
    return {
      ...backupEnd,
      what: `${
        backupEnd.what
      }, but the WAL archive has a gap after it: segment ${
        wal.gap.missing
      } is missing, so recovery stops at ${
        wal.reached
          ? `segment ${wal.reached.segment} (archived ${summaryTime(
              wal.reached.archivedAt,
            )})`
          : 'the end of the backup'
      } and nothing written since can be restored`,
      gap: wal.gap.missing,
    };
  }
  if (
    !wal.reached ||
    Date.parse(wal.reached.archivedAt) <= Date.parse(newest.finishedAt)
  ) {
    return backupEnd;
  }
  return {
    at: wal.reached.archivedAt,
    what: `Recovery point: WAL segment ${
      wal.reached.segment
    } archived ${summaryTime(
      wal.reached.archivedAt,
    )}, replayable without a gap from ${typeName} backup ${
      newest.id
    } (finished ${summaryTime(newest.finishedAt)})`,
  };
}

/** After a stanza upgrade: which cluster counts, and what of the earlier ones does not. */
export function clusterEvidence(facts: BackupFacts): Evidence[] {
  const cluster = facts.cluster;
  if (!cluster) {
    return [];
  }
  return [
    {
      label: 'stanza upgraded',
      value: `only cluster db-id ${cluster.dbId}${
        cluster.version ? ` (PostgreSQL ${cluster.version})` : ''
      } counts; ${cluster.uncountedBackups} backups and ${
        cluster.uncountedSegments
      } WAL segments of the earlier ${cluster.earlier
        .map(c => `db-id ${c.dbId} (PostgreSQL ${c.version})`)
        .join(', ')} are not counted: they restore the old cluster`,
      source: `backup:${facts.location}`,
    },
  ];
}
