import {
  ANNOTATIONS,
  BackupPlan,
  Evidence,
  formatBytes,
  parseBackupPlan,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  checkResult,
} from '@production-readiness/plugin-production-readiness-node';
import { BACKUP_COLLECTOR_ID, BackupFacts } from '../collector/BackupCollector';
import { BackupRecord, BackupType, newestBackupFirst } from '../readers/types';
import { formatSize } from './format';

/** What the backup checks share: the collector's facts as evidence, and their guards. */

export const LOCATION_REMEDIATION = `Add the annotations ${ANNOTATIONS.backupLocation}: <name of a location in productionReadiness.backup.locations>, ${ANNOTATIONS.backupPrefix}: <folder of the backups inside it> and ${ANNOTATIONS.backupTool}: pgbackrest | wal-g | velero | dump.`;

export const ageMs = (now: Date, iso: string) =>
  now.getTime() - Date.parse(iso);

export const TYPE_NAMES: Record<BackupType, string> = {
  full: 'full',
  differential: 'diff',
  incremental: 'incr',
};

export function source(facts: BackupFacts): string {
  return `backup:${facts.location}`;
}

/** Evidence pushed to the API, rather than read from the location. */
export const pushedSource = (pushedBy: string) => `pushed by ${pushedBy}`;

export function where(facts: BackupFacts): string {
  return `prefix "${facts.prefix}" of location ${facts.location}`;
}

export function backupEvidence(
  facts: BackupFacts,
  label: string,
  backup: BackupRecord,
): Evidence {
  return {
    label,
    value: {
      id: backup.id,
      type: backup.type,
      status: backup.status,
      ...(backup.problem ? { problem: backup.problem } : {}),
      ...(backup.size !== undefined
        ? { size: formatSize(backup.size, backup.sizeUnit) }
        : {}),
      ...(backup.storedBytes !== undefined
        ? { stored: formatBytes(backup.storedBytes) }
        : {}),
      ...(backup.checksum ? { checksum: backup.checksum } : {}),
      metadata: backup.source,
    },
    source: backup.pushedBy ? pushedSource(backup.pushedBy) : source(facts),
    timestamp: backup.finishedAt,
  };
}

export type Evaluate = (
  facts: BackupFacts,
  context: CheckContext,
) => CheckEvaluation;

/**
 * Runs `evaluate` only with usable facts: `unknown` when the entity declares no usable
 * location (saying what to add), `error` when the location or its metadata could not be read.
 */
export function withBackupFacts(evaluate: Evaluate) {
  return (context: CheckContext): CheckEvaluation => {
    const facts = context.facts<BackupFacts>(BACKUP_COLLECTOR_ID);
    if (!facts) {
      return checkResult.unknown(
        `No backup location declared (annotation ${ANNOTATIONS.backupLocation} is missing)`,
        [{ label: ANNOTATIONS.backupLocation, value: null, source: 'catalog' }],
        LOCATION_REMEDIATION,
      );
    }
    if (facts.misconfigured) {
      return checkResult.unknown(
        facts.misconfigured,
        [
          {
            label: 'backup annotations',
            value: facts.misconfigured,
            source: 'catalog',
          },
        ],
        LOCATION_REMEDIATION,
      );
    }
    if (facts.failure) {
      return checkResult.error(facts.failure.reason, [
        {
          label: 'location',
          value: facts.locationDescription ?? facts.location,
          source: source(facts),
        },
      ]);
    }
    if (!facts.tool) {
      return checkResult.unknown(
        `No backup tool metadata recognised under ${where(facts)} (${
          facts.objectCount
        } objects) and ${ANNOTATIONS.backupTool} is not set`,
        [
          {
            label: 'objects under prefix',
            value: facts.objectCount,
            source: source(facts),
          },
        ],
        `Set ${ANNOTATIONS.backupTool} to pgbackrest, wal-g, velero or dump, and check ${ANNOTATIONS.backupPrefix} points at the backups.`,
      );
    }
    return evaluate(facts, context);
  };
}

/** Also needs the backup plan; `unknown` naming the plan's problem when it is missing or invalid. */
export function withPlan(
  evaluate: (
    facts: BackupFacts,
    plan: BackupPlan,
    context: CheckContext,
  ) => CheckEvaluation,
): Evaluate {
  return (facts, context) => {
    const parsed = parseBackupPlan(context.entity.metadata.annotations);
    if (!parsed.ok) {
      return checkResult.unknown(
        `Cannot compare with the backup plan: ${parsed.error}`,
        [
          {
            label: ANNOTATIONS.backupPlan,
            value: parsed.error,
            source: 'catalog',
          },
        ],
        `Declare the backup plan in ${ANNOTATIONS.backupPlan} (see the backup.plan check).`,
      );
    }
    return evaluate(facts, parsed.value, context);
  };
}

export const succeeded = (facts: BackupFacts) =>
  facts.backups.filter(b => b.status === 'succeeded');

/**
 * Every backup run known: the location's backups and the run the backup job pushed (when the
 * location does not describe it), newest first. Freshness and errors read these; checks of
 * what the location holds (size, retention, method) read `facts.backups` only.
 */
export const runs = (facts: BackupFacts): BackupRecord[] =>
  [...facts.backups, ...facts.pushedRuns].sort(newestBackupFirst);

export function noBackups(facts: BackupFacts): CheckEvaluation {
  const [newest] = facts.backups;
  if (newest) {
    return checkResult.fail(
      `None of the ${facts.backups.length} ${facts.tool} backups under ${where(
        facts,
      )} can be restored (newest, ${newest.id}: ${
        newest.problem ?? newest.status
      })`,
      [backupEvidence(facts, 'newest backup', newest)],
    );
  }
  return checkResult.fail(
    `No ${facts.tool} backups found under ${where(facts)} (${
      facts.objectCount
    } objects listed)`,
    [
      { label: 'tool', value: facts.tool ?? null, source: source(facts) },
      {
        label: 'objects under prefix',
        value: facts.objectCount,
        source: source(facts),
      },
      ...(facts.stanza
        ? [{ label: 'stanza', value: facts.stanza, source: source(facts) }]
        : []),
    ],
  );
}
