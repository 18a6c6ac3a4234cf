import {
  ANNOTATIONS,
  BACKUP_INVENTORY_FORMAT,
  BackupPlan,
  EntityFilter,
  Evidence,
  formatBytes,
  formatDuration,
  summaryTime,
  parseBackupPlan,
  parseDuration,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  DEFAULT_STATEFUL_TYPES,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { BACKUP_MODULE_ANNOTATIONS } from '../annotations';
import { BACKUP_COLLECTOR_ID, BackupFacts } from '../collector/BackupCollector';
import { BackupCheckSettings } from '../config';
import { BackupRecord, BackupType } from '../readers/types';
import { formatSize, median } from './format';
import { allowedAgeMs, longestGapMs } from './schedule';
import { clusterEvidence, declaresPitr, recoveryPoint } from './recoveryPoint';
import {
  ageMs,
  backupEvidence,
  Evaluate,
  LOCATION_REMEDIATION,
  noBackups,
  pushedSource,
  runs,
  source,
  succeeded,
  TYPE_NAMES,
  where,
  withBackupFacts,
  withPlan,
} from './backupFacts';
import { createErrorsCheck } from './errors';

/** Entities whose own backups the checks judge: data stores, and whoever names a location. */
function appliesTo(statefulTypes: string[]): EntityFilter {
  return {
    anyOf: [
      { kind: ['Resource'], type: ['database'] },
      { kind: ['Component'], type: statefulTypes },
      { hasAnnotations: [ANNOTATIONS.backupLocation] },
    ],
  };
}

function evaluateReachable(context: CheckContext): CheckEvaluation {
  const facts = context.facts<BackupFacts>(BACKUP_COLLECTOR_ID);
  if (!facts) {
    return withBackupFacts(() => checkResult.unknown('unreachable'))(context);
  }
  const at: Evidence = {
    label: 'location',
    value: facts.locationDescription ?? facts.location,
    source: source(facts),
  };
  if (facts.misconfigured) {
    return checkResult.fail(facts.misconfigured, [at], LOCATION_REMEDIATION);
  }
  if (facts.failure) {
    const { kind, reason } = facts.failure;
    // A refused credential or a missing bucket is a configuration fact about the location;
    // a timeout or 5xx says nothing about it yet.
    if (kind === 'denied' || kind === 'missing') {
      return checkResult.fail(
        reason,
        [at],
        `Fix productionReadiness.backup.locations entry "${facts.location}": the bucket or folder must exist and its credentials must allow listing and reading.`,
      );
    }
    return checkResult.error(reason, [at]);
  }
  return checkResult.pass(
    `Location ${facts.location} listed: ${facts.objectCount} objects under prefix "${facts.prefix}"`,
    [
      at,
      {
        label: 'objects under prefix',
        value: facts.objectCount,
        source: source(facts),
      },
    ],
  );
}

function evaluateFresh(
  facts: BackupFacts,
  plan: BackupPlan,
  { now, entity }: CheckContext,
): CheckEvaluation {
  const known = runs(facts);
  const newest = known.find(b => b.status === 'succeeded');
  if (!newest) {
    return known.length
      ? checkResult.fail(
          `None of the ${known.length} ${facts.tool} backups under ${where(
            facts,
          )}${
            facts.pushedRuns.length ? ' or pushed by the backup job' : ''
          } succeeded (newest, ${known[0].id}: ${
            known[0].problem ?? known[0].status
          })`,
          [backupEvidence(facts, 'newest backup', known[0])],
        )
      : noBackups(facts);
  }
  const point = recoveryPoint(facts, newest, entity, TYPE_NAMES[newest.type]);
  const age = ageMs(now, point.at);
  const evidence = [
    backupEvidence(facts, 'newest successful backup', newest),
    ...(facts.wal && declaresPitr(entity) ? [walEvidence(facts)] : []),
    { label: 'RPO', value: formatDuration(plan.rpo), source: 'catalog' },
    ...clusterEvidence(facts),
  ];
  const what = point.what;
  if (point.gap) {
    return checkResult.fail(
      what,
      evidence,
      'Find why WAL archiving skipped segments (pg_stat_archiver, the archive_command log, objects deleted in the location) and take a new full backup now: only a backup taken after the gap makes what is written since recoverable.',
    );
  }
  return age <= plan.rpo
    ? checkResult.pass(
        `${what}, within the RPO of ${formatDuration(plan.rpo)}`,
        evidence,
      )
    : checkResult.fail(
        `${what}, older than the RPO of ${formatDuration(plan.rpo)}`,
        evidence,
        `Backups stopped or run less often than the RPO needs. Check the backup job's recent runs and logs (schedule "${plan.schedule}"), fix it and take a backup now.`,
      );
}

function evaluateSize(settings: BackupCheckSettings): Evaluate {
  return facts => {
    const ok = succeeded(facts);
    /** Storage holds less of it than its metadata declares (deleted or truncated files). */
    const shortInStorage = (
      backup: BackupRecord,
    ): backup is BackupRecord & {
      storedBytes: number;
      declaredStoredBytes: number;
    } =>
      backup.storedBytes !== undefined &&
      backup.declaredStoredBytes !== undefined &&
      backup.storedBytes <
        backup.declaredStoredBytes * (1 - settings.sizeDropRatio);
    // What storage holds is judged on the newest backup written, restorable or not.
    const written = facts.backups[0];
    const newest = written && shortInStorage(written) ? written : ok[0];
    if (!newest) {
      return noBackups(facts);
    }
    const evidence: Evidence[] = [
      backupEvidence(
        facts,
        newest === ok[0] ? 'newest successful backup' : 'newest backup',
        newest,
      ),
    ];
    if (newest.size !== undefined && newest.size <= 0) {
      return checkResult.fail(
        `Newest backup ${newest.id} is empty (${formatSize(
          newest.size,
          newest.sizeUnit,
        )})`,
        evidence,
        'An empty backup restores nothing: check what the backup job reads (database, volumes, selectors) and its logs.',
      );
    }
    if (shortInStorage(newest)) {
      return checkResult.fail(
        `Newest backup ${newest.id}: ${
          facts.tool
        } metadata declares ${formatBytes(
          newest.declaredStoredBytes,
        )} stored, but the location holds ${formatBytes(
          newest.storedBytes,
        )} for it`,
        evidence,
        'The backup files are missing or truncated in storage: check lifecycle rules, replication and whoever deletes objects in the location, then take a new full backup.',
      );
    }
    if (newest.size === undefined) {
      return checkResult.unknown(
        `${facts.tool} metadata of backup ${newest.id} has no size`,
        evidence,
      );
    }
    const earlier = ok
      .slice(1)
      .filter(b => b.type === newest.type && b.size !== undefined)
      .slice(0, settings.sizeHistory);
    if (!earlier.length) {
      return checkResult.pass(
        `Newest backup ${newest.id} is ${formatSize(
          newest.size,
          newest.sizeUnit,
        )}; no earlier ${TYPE_NAMES[newest.type]} backup to compare with`,
        evidence,
      );
    }
    const typical = median(earlier.map(b => b.size!));
    evidence.push({
      label: `median of the ${earlier.length} earlier ${
        TYPE_NAMES[newest.type]
      } backups`,
      value: formatSize(typical, newest.sizeUnit),
      source: source(facts),
    });
    const floor = typical * (1 - settings.sizeDropRatio);
    if (newest.size < floor) {
      return checkResult.fail(
        `Newest backup ${newest.id} is ${formatSize(
          newest.size,
          newest.sizeUnit,
        )}, ${Math.round(
          (1 - newest.size / typical) * 100,
        )}% smaller than the median ${formatSize(
          typical,
          newest.sizeUnit,
        )} of the ${earlier.length} earlier ${TYPE_NAMES[newest.type]} backups`,
        evidence,
        'A sharp drop usually means the backup missed data (wrong database, excluded schemas or namespaces, failed volume snapshots). Compare its contents with the previous backup.',
      );
    }
    return checkResult.pass(
      `Newest backup ${newest.id} is ${formatSize(
        newest.size,
        newest.sizeUnit,
      )}, median of the ${earlier.length} earlier ${
        TYPE_NAMES[newest.type]
      } backups ${formatSize(typical, newest.sizeUnit)}`,
      evidence,
    );
  };
}

/**
 * When backups began, as far as storage tells: the oldest kept backup, or the backup an older
 * restore-test record restored (records outlive the backups the tool pruned).
 */
function historyStart(facts: BackupFacts, oldestKept: BackupRecord): string {
  const tested = facts.restoreTests.map(r => r.backupTakenAt ?? r.startedAt);
  return [oldestKept.finishedAt, ...tested].reduce((a, b) =>
    Date.parse(b) < Date.parse(a) ? b : a,
  );
}

function evaluateRetention(
  facts: BackupFacts,
  plan: BackupPlan,
  { now }: CheckContext,
): CheckEvaluation {
  const ok = succeeded(facts);
  if (!ok.length) {
    return noBackups(facts);
  }
  const oldest = ok[ok.length - 1];
  const coverage = ageMs(now, oldest.finishedAt);
  const history = ageMs(now, historyStart(facts, oldest));
  const gap = longestGapMs(plan.schedule, now);
  const evidence: Evidence[] = [
    {
      label: 'successful backups kept',
      value: ok.length,
      source: source(facts),
    },
    backupEvidence(facts, 'oldest successful backup', oldest),
    ...clusterEvidence(facts),
    {
      label: 'backups taken since',
      value: summaryTime(historyStart(facts, oldest)),
      source: source(facts),
    },
  ];
  // Shortfalls explained by a young repository: nothing can have been pruned yet.
  const notYet: string[] = [];
  const problems: string[] = [];
  if (plan.retentionCount !== undefined) {
    evidence.push({
      label: 'plan: retentionCount',
      value: plan.retentionCount,
      source: 'catalog',
    });
    // Scheduled runs since backups began (the first one included), at least.
    const runsSoFar =
      gap === undefined ? Infinity : Math.floor(history / gap) + 1;
    if (ok.length < Math.min(plan.retentionCount, runsSoFar)) {
      problems.push(
        `${ok.length} successful backups kept, plan keeps ${plan.retentionCount}`,
      );
    } else if (ok.length < plan.retentionCount) {
      notYet.push(
        `${ok.length} of the ${plan.retentionCount} backups the plan keeps exist so far`,
      );
    }
  }
  if (plan.retention !== undefined) {
    evidence.push({
      label: 'plan: retention',
      value: formatDuration(plan.retention),
      source: 'catalog',
    });
    // Backups the tool will delete before the plan's retention has passed (Velero TTL).
    const early = ok.find(
      b =>
        b.expiresAt &&
        Date.parse(b.expiresAt) - Date.parse(b.finishedAt) <
          plan.retention! * 0.99,
    );
    if (early) {
      problems.push(
        `backup ${early.id} expires ${formatDuration(
          Date.parse(early.expiresAt!) - Date.parse(early.finishedAt),
        )} after it was taken, before the plan's retention of ${formatDuration(
          plan.retention,
        )}`,
      );
      evidence.push(backupEvidence(facts, 'backup expiring early', early));
    }
    const slack = Math.min(plan.retention * 0.1, 86_400_000);
    if (coverage + slack < plan.retention) {
      const message = `the oldest successful backup finished ${summaryTime(
        oldest.finishedAt,
      )}, the plan keeps ${formatDuration(plan.retention)}`;
      // Pruned already when backups began clearly before the oldest one kept.
      if (history - coverage > (gap ?? 0) + slack) problems.push(message);
      else notYet.push(message);
    }
  }
  if (problems.length) {
    return checkResult.fail(
      `Retention below plan: ${problems.join('; ')}`,
      evidence,
      `Set the tool's retention to at least the plan's (pgBackRest repo1-retention-full, WAL-G delete retain, Velero schedule ttl, dump lifecycle rules), or correct retention in ${ANNOTATIONS.backupPlan}.`,
    );
  }
  if (notYet.length) {
    return checkResult.warn(
      `Retention not reached yet: ${notYet.join(
        '; ',
      )}, and backups began only ${summaryTime(
        historyStart(facts, oldest),
      )}, so none can have been pruned. Judged in full once backups have been taken for the plan's retention.`,
      evidence,
    );
  }
  const planned = [
    plan.retention !== undefined &&
      `plan keeps ${formatDuration(plan.retention)}`,
    plan.retentionCount !== undefined && `plan keeps ${plan.retentionCount}`,
  ].filter((p): p is string => typeof p === 'string');
  return checkResult.pass(
    [
      `${ok.length} successful backups kept, oldest ${formatDuration(
        coverage,
      )} old`,
      ...planned,
    ].join('; '),
    evidence,
  );
}

const METHOD_TYPE: Record<BackupPlan['method'], BackupType> = {
  full: 'full',
  incremental: 'incremental',
  differential: 'differential',
};

function evaluateMethod(
  facts: BackupFacts,
  plan: BackupPlan,
  { now }: CheckContext,
): CheckEvaluation {
  const ok = succeeded(facts);
  if (!ok.length) {
    return noBackups(facts);
  }
  const expectations: Array<{ type: BackupType; cron: string }> = [
    { type: METHOD_TYPE[plan.method], cron: plan.schedule },
  ];
  if (plan.method !== 'full' && plan.fullSchedule) {
    expectations.push({ type: 'full', cron: plan.fullSchedule });
  }
  const evidence: Evidence[] = [
    {
      label: 'plan',
      value: {
        method: plan.method,
        schedule: plan.schedule,
        fullSchedule: plan.fullSchedule ?? null,
      },
      source: 'catalog',
    },
  ];
  const problems: string[] = [];
  const found: string[] = [];
  for (const { type, cron } of expectations) {
    const allowed = allowedAgeMs(cron, now);
    if (allowed === undefined) {
      return checkResult.unknown(
        `Cannot read schedule "${cron}" of ${ANNOTATIONS.backupPlan}`,
        evidence,
      );
    }
    const newest = ok.find(b => b.type === type);
    if (!newest) {
      problems.push(
        `no ${TYPE_NAMES[type]} backup found (plan: ${TYPE_NAMES[type]} at "${cron}")`,
      );
      continue;
    }
    evidence.push(
      backupEvidence(facts, `newest ${TYPE_NAMES[type]} backup`, newest),
    );
    const age = ageMs(now, newest.finishedAt);
    if (age > allowed) {
      problems.push(
        `newest ${TYPE_NAMES[type]} backup ${newest.id} is ${formatDuration(
          age,
        )} old; "${cron}" needs one within ${formatDuration(allowed)}`,
      );
    } else {
      found.push(
        `${TYPE_NAMES[type]} ${summaryTime(
          newest.finishedAt,
        )} (within ${formatDuration(allowed)})`,
      );
    }
  }
  if (problems.length) {
    return checkResult.fail(
      `Backups do not follow the ${plan.method} plan: ${problems.join('; ')}`,
      evidence,
      `Make the backup jobs match ${
        ANNOTATIONS.backupPlan
      } (e.g. pgBackRest --type=full on fullSchedule and --type=${
        plan.method === 'differential' ? 'diff' : 'incr'
      } on schedule), or correct the plan to what actually runs.`,
    );
  }
  return checkResult.pass(
    `Backups follow the ${plan.method} plan: ${found.join('; ')}`,
    evidence,
  );
}

function walEvidence(facts: BackupFacts): Evidence {
  const wal = facts.wal!;
  return {
    label: 'newest WAL segment',
    value: {
      segment: wal.segment,
      key: wal.key,
      segments: wal.count,
      ...(wal.reached ? { replayableTo: wal.reached.segment } : {}),
      ...(wal.gap ? { missing: wal.gap.missing } : {}),
    },
    source: source(facts),
    timestamp: wal.archivedAt,
  };
}

function evaluatePitr(
  facts: BackupFacts,
  context: CheckContext,
): CheckEvaluation {
  const declared =
    context.entity.metadata.annotations?.[
      BACKUP_MODULE_ANNOTATIONS.pitr
    ]?.trim() ?? '';
  let maxAge = parseDuration(declared);
  if (maxAge === undefined) {
    if (declared.toLowerCase() !== 'true') {
      return checkResult.unknown(
        `annotation ${
          BACKUP_MODULE_ANNOTATIONS.pitr
        } must be "true" or a duration such as 15m, got "${declared.slice(
          0,
          40,
        )}"`,
      );
    }
    const plan = parseBackupPlan(context.entity.metadata.annotations);
    if (!plan.ok) {
      return checkResult.unknown(
        `PITR is declared without a maximum WAL age and the plan gives no RPO: ${plan.error}`,
      );
    }
    maxAge = plan.value.rpo;
  }
  if (facts.tool !== 'pgbackrest' && facts.tool !== 'wal-g') {
    return checkResult.unknown(
      `WAL archive freshness is read from pgBackRest or WAL-G repositories; this entity uses ${facts.tool}`,
    );
  }
  const wal = facts.wal;
  const limit: Evidence = {
    label: 'maximum WAL age',
    value: formatDuration(maxAge),
    source: 'catalog',
  };
  if (!wal) {
    return checkResult.fail(
      `No archived WAL segments under ${where(facts)}${
        facts.stanza ? ` (stanza ${facts.stanza})` : ''
      }: point-in-time recovery is impossible`,
      [limit],
      'Enable WAL archiving (archive_mode=on and archive_command with pgbackrest archive-push or wal-g wal-push) and check the archiver in pg_stat_archiver.',
    );
  }
  const age = ageMs(context.now, wal.archivedAt);
  const evidence: Evidence[] = [
    walEvidence(facts),
    limit,
    ...clusterEvidence(facts),
  ];
  if (wal.gap) {
    return checkResult.fail(
      `The WAL archive has a gap after the newest restorable backup: segment ${
        wal.gap.missing
      } is missing, so point-in-time recovery stops at ${
        wal.gap.after ? `segment ${wal.gap.after}` : 'the end of the backup'
      } although segments up to ${wal.segment} were archived`,
      evidence,
      'Find why WAL archiving skipped segments (pg_stat_archiver, the archive_command log, objects deleted in the location) and take a new full backup now.',
    );
  }
  return age <= maxAge
    ? checkResult.pass(
        `Newest WAL segment ${wal.segment} archived ${summaryTime(
          wal.archivedAt,
        )} (limit ${formatDuration(maxAge)})`,
        evidence,
      )
    : checkResult.fail(
        `Newest WAL segment ${wal.segment} archived ${summaryTime(
          wal.archivedAt,
        )}, more than ${formatDuration(maxAge)} ago`,
        evidence,
        'WAL archiving is stuck or too sparse: check pg_stat_archiver for failures and set archive_timeout below the allowed age so idle databases still ship WAL.',
      );
}

function restoreEvidence(
  facts: BackupFacts,
  label: string,
  record: BackupFacts['restoreTests'][number],
): Evidence {
  return {
    label,
    value: {
      backupId: record.backupId,
      status: record.status,
      durationSeconds: record.durationSeconds,
      validations: record.validations.map(
        v =>
          `${v.name}: ${v.ok ? 'ok' : 'FAILED'} (expected ${
            v.expected ?? '-'
          }, actual ${v.actual ?? '-'})`,
      ),
      record: record.source,
    },
    source: record.pushedBy ? pushedSource(record.pushedBy) : source(facts),
    timestamp: record.finishedAt,
    url: record.logUrl,
  };
}

function evaluateRestoreTested(settings: BackupCheckSettings): Evaluate {
  return (facts, { now }) => {
    const latest = facts.restoreTests[0];
    const remediation = `Run a restore test (restore the newest backup into a scratch instance, validate it) at least every ${formatDuration(
      settings.restoreTestMaxAgeMs,
    )}, and have it write a restore-test record (*${'restore-test.json'}) under prefix "${
      facts.restoreTestPrefix
    }" of location ${
      facts.location
    } or push it (type restore-test) to POST /api/production-readiness/results.`;
    if (!latest) {
      return checkResult.fail(
        `No restore-test records under prefix "${facts.restoreTestPrefix}" of location ${facts.location}, and none pushed to the API: the backups were never proven restorable`,
        facts.unreadable.map(reason => ({
          label: 'unreadable record',
          value: reason,
          source: source(facts),
        })),
        remediation,
      );
    }
    const evidence: Evidence[] = [
      restoreEvidence(facts, 'latest restore test', latest),
    ];
    const age = ageMs(now, latest.finishedAt);
    if (latest.status !== 'succeeded') {
      const failedValidations = latest.validations
        .filter(v => !v.ok)
        .map(v => v.name);
      return checkResult.fail(
        `Latest restore test of backup ${latest.backupId} failed ${summaryTime(
          latest.finishedAt,
        )}${
          failedValidations.length
            ? ` (failed validations: ${failedValidations.join(', ')})`
            : ''
        }`,
        evidence,
        'The newest restore attempt failed: read its log, fix the backup or the procedure, and run the restore test again.',
      );
    }
    const failedValidations = latest.validations.filter(v => !v.ok);
    if (!latest.validations.length || failedValidations.length) {
      return checkResult.fail(
        latest.validations.length
          ? `Latest restore test of backup ${
              latest.backupId
            } reported success but validations failed: ${failedValidations
              .map(
                v =>
                  `${v.name} (expected ${v.expected ?? '-'}, actual ${
                    v.actual ?? '-'
                  })`,
              )
              .join('; ')}`
          : `Latest restore test of backup ${latest.backupId} validated nothing: a restore that starts is not a restore that has the data`,
        evidence,
        'Validate restored data in the restore test (row counts of key tables, user accounts and roles, checksums) and record each validation.',
      );
    }
    const uncompared = uncomparedInventory(facts, latest);
    if (uncompared) {
      return checkResult.fail(
        `Latest restore test of backup ${latest.backupId} ${uncompared}`,
        evidence,
        `Have the backup job record an inventory next to each backup (roles, memberships, tables and row counts; format ${BACKUP_INVENTORY_FORMAT}), and the restore test compare every role and every table of it with the restore, one validation each, naming the inventory in its record (the template's backup and restore-test jobs do).`,
      );
    }
    if (age > settings.restoreTestMaxAgeMs) {
      return checkResult.fail(
        `Latest successful restore test finished ${summaryTime(
          latest.finishedAt,
        )}, longer than ${formatDuration(settings.restoreTestMaxAgeMs)} ago`,
        evidence,
        remediation,
      );
    }
    const restored = runs(facts).find(b => b.id === latest.backupId);
    const takenAt = latest.backupTakenAt ?? restored?.finishedAt;
    if (!takenAt) {
      return checkResult.fail(
        `Latest restore test restored backup ${latest.backupId}, which is not among the ${facts.backups.length} backups in the location and the record has no backupTakenAt`,
        evidence,
        'Record backupTakenAt in the restore-test record, or restore a backup that is still in the location.',
      );
    }
    const backupAge = Date.parse(latest.startedAt) - Date.parse(takenAt);
    evidence.push({
      label: 'restored backup taken',
      value: latest.backupId,
      source: source(facts),
      timestamp: takenAt,
    });
    if (backupAge > settings.restoreTestMaxBackupAgeMs) {
      return checkResult.fail(
        `Latest restore test restored backup ${
          latest.backupId
        }, which was ${formatDuration(
          backupAge,
        )} old at the time, more than ${formatDuration(
          settings.restoreTestMaxBackupAgeMs,
        )}`,
        evidence,
        'Restore tests must prove the current backups: restore the newest backup, not an old one.',
      );
    }
    return checkResult.pass(
      `Backup ${latest.backupId} (${formatDuration(
        Math.max(backupAge, 0),
      )} old) restored ${summaryTime(latest.finishedAt)} with ${
        latest.validations.length
      } validations ok${
        latest.inventory
          ? `, covering the ${latest.inventory.roles} roles and ${latest.inventory.tables} tables of its inventory`
          : ''
      }`,
      evidence,
    );
  };
}

/**
 * What a restore test of a database backup left uncompared: it must name the inventory the
 * backup job recorded and carry one `role` validation per inventoried role and one `table`
 * validation per table. (Velero volume backups hold no roles or tables.)
 */
function uncomparedInventory(
  facts: BackupFacts,
  record: BackupFacts['restoreTests'][number],
): string | undefined {
  if (!record.inventory) {
    return facts.tool === 'velero'
      ? undefined
      : 'compared no backup inventory: nothing shows that the roles and the tables the database held at backup time came back';
  }
  const compared = (kind: 'role' | 'table') =>
    record.validations.filter(v => v.kind === kind).length;
  const { roles, tables } = record.inventory;
  if (compared('role') >= roles && compared('table') >= tables) {
    return undefined;
  }
  return `compared ${compared('role')} of the ${roles} roles and ${compared(
    'table',
  )} of the ${tables} tables of its backup inventory: what was not compared may not have come back`;
}

function evaluateRto(facts: BackupFacts, plan: BackupPlan): CheckEvaluation {
  const latest = facts.restoreTests.find(r => r.status === 'succeeded');
  if (!latest) {
    return checkResult.unknown(
      `No successful restore test under prefix "${facts.restoreTestPrefix}" of location ${facts.location} to measure the restore time`,
      [{ label: 'RTO', value: formatDuration(plan.rto), source: 'catalog' }],
      'Run a restore test that records durationSeconds (see backup.restore-tested).',
    );
  }
  const duration = latest.durationSeconds * 1000;
  const evidence = [
    restoreEvidence(facts, 'latest successful restore test', latest),
    { label: 'RTO', value: formatDuration(plan.rto), source: 'catalog' },
  ];
  const what = `Restore of backup ${latest.backupId} ${summaryTime(
    latest.finishedAt,
  )} took ${formatDuration(duration)}`;
  return duration <= plan.rto
    ? checkResult.pass(
        `${what}, within the RTO of ${formatDuration(plan.rto)}`,
        evidence,
      )
    : checkResult.fail(
        `${what}, longer than the RTO of ${formatDuration(plan.rto)}`,
        evidence,
        'Restores take longer than the business can wait: speed them up (parallel restore, delta restore, smaller full intervals, faster storage) or agree on a longer RTO in the plan.',
      );
}

/**
 * The module's checks. `statefulTypes` (`productionReadiness.coverage.statefulTypes`, see
 * `readStatefulTypes`) names the Component types that are data stores themselves.
 */
export function createBackupChecks(
  settings: BackupCheckSettings,
  statefulTypes: string[] = DEFAULT_STATEFUL_TYPES,
): ReadinessCheck[] {
  const common = {
    pillar: 'backup',
    appliesTo: appliesTo(statefulTypes),
    // Coverage requires backups of every Resource that holds data, declared or not, and of
    // every Component that is a data store (a database modelled as a Component).
    requiredOf: {
      anyOf: [
        { kind: ['Resource'] },
        { kind: ['Component'], type: statefulTypes },
      ],
    },
    collectors: [BACKUP_COLLECTOR_ID],
    sources: [BACKUP_COLLECTOR_ID],
  };
  return [
    createReadinessCheck({
      ...common,
      id: 'backup.location-reachable',
      title: 'Backup location reachable',
      description:
        'The backup location the entity names is configured and can be listed with the configured credentials.',
      severity: 'critical',
      remediation: LOCATION_REMEDIATION,
      evaluate: evaluateReachable,
    }),
    createReadinessCheck({
      ...common,
      id: 'backup.fresh',
      title: 'Newest backup within RPO',
      description:
        'The newest successful backup is younger than the RPO of the backup plan.',
      severity: 'critical',
      remediation:
        'Fix the backup job so it runs at least as often as the RPO requires.',
      evaluate: withBackupFacts(withPlan(evaluateFresh)),
    }),
    createErrorsCheck(settings, common),
    createReadinessCheck({
      ...common,
      id: 'backup.size-sane',
      title: 'Backup size is sane',
      description: `The newest backup is not empty, is fully present in storage, and is not more than ${Math.round(
        settings.sizeDropRatio * 100,
      )}% smaller than the median of recent backups of its type ("garbage backup").`,
      severity: 'critical',
      remediation:
        'Inspect the newest backup: compare its contents with the previous one and check the backup job reads the right data.',
      evaluate: withBackupFacts(evaluateSize(settings)),
    }),
    createReadinessCheck({
      ...common,
      id: 'backup.retention',
      title: 'Retention matches the plan',
      description:
        'Backups are kept as long (retention) and as many (retentionCount) as the plan declares. While backups have been taken for less than that, nothing can have been pruned yet: the check warns (met, with a note) instead of failing, as long as no scheduled backup is missing.',
      severity: 'major',
      remediation: "Align the tool's retention with the plan.",
      evaluate: withBackupFacts(withPlan(evaluateRetention)),
    }),
    createReadinessCheck({
      ...common,
      id: 'backup.method',
      title: 'Backups follow the planned method',
      description:
        'Backups of each planned type (full, differential, incremental) are taken on the planned schedules: weekly full -> a full within 8 days, daily incremental -> one within 1.5 days.',
      severity: 'major',
      remediation:
        'Make the backup schedule match the plan, or correct the plan.',
      evaluate: withBackupFacts(withPlan(evaluateMethod)),
    }),
    createReadinessCheck({
      ...common,
      id: 'backup.pitr-wal',
      title: 'WAL archive is fresh (point-in-time recovery)',
      description: `When ${BACKUP_MODULE_ANNOTATIONS.pitr} declares point-in-time recovery, the newest archived WAL segment is recent enough.`,
      severity: 'major',
      appliesTo: {
        hasAnnotations: [
          ANNOTATIONS.backupLocation,
          BACKUP_MODULE_ANNOTATIONS.pitr,
        ],
      },
      // Judged where point-in-time recovery is declared, never required of others.
      requiredOf: { hasAnnotations: [BACKUP_MODULE_ANNOTATIONS.pitr] },
      remediation: 'Fix WAL archiving and set archive_timeout.',
      evaluate: withBackupFacts(evaluatePitr),
    }),
    createReadinessCheck({
      ...common,
      id: 'backup.restore-tested',
      title: 'Restore tested recently',
      description: `A restore test succeeded within ${formatDuration(
        settings.restoreTestMaxAgeMs,
      )}, restored a backup at most ${formatDuration(
        settings.restoreTestMaxBackupAgeMs,
      )} old, and all its validations passed.`,
      severity: 'critical',
      remediation: 'Schedule a restore test that writes a restore-test record.',
      evaluate: withBackupFacts(evaluateRestoreTested(settings)),
    }),
    createReadinessCheck({
      ...common,
      id: 'backup.restore-within-rto',
      title: 'Restore fits the RTO',
      description:
        'The latest successful restore test took no longer than the RTO of the backup plan.',
      severity: 'major',
      remediation: 'Make restores faster or agree on a longer RTO.',
      evaluate: withBackupFacts(withPlan(evaluateRto)),
    }),
  ];
}

/** For tests and README: the ids of the module's checks. */
export const BACKUP_CHECK_IDS = [
  'backup.location-reachable',
  'backup.fresh',
  'backup.errors',
  'backup.size-sane',
  'backup.retention',
  'backup.method',
  'backup.pitr-wal',
  'backup.restore-tested',
  'backup.restore-within-rto',
] as const;
