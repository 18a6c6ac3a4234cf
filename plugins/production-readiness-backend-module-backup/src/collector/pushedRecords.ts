import {
  backupRunRecordSchema,
  describeIssues,
  restoreTestRecordSchema,
} from '@production-readiness/plugin-production-readiness-common';
import {
  PushedEvidenceService,
  PushedRecord,
} from '@production-readiness/plugin-production-readiness-node';
import { StoredRestoreTest } from '../readers/restoreTests';
import { BackupRecord, newestFinishedFirst } from '../readers/types';
import type { BackupFacts } from './BackupCollector';

/** The newest pushed restore test and backup run of each entity, parsed. */
export interface PushedBackupRecords {
  restoreTests: Map<string, StoredRestoreTest>;
  runs: Map<string, BackupRecord>;
  /** Records whose payload no longer matches its type's schema, per entity. */
  unreadable: Map<string, string[]>;
}

const describePush = (record: PushedRecord) =>
  `record ${record.id} pushed by ${
    record.pushedBy
  } at ${record.receivedAt.toISOString()}`;

/**
 * Reads the newest `restore-test` and `backup-run` record of every entity in two queries,
 * whatever the fleet size.
 */
export async function readPushedBackupRecords(
  evidence: PushedEvidenceService,
  entityRefs: string[],
): Promise<PushedBackupRecords> {
  const read: PushedBackupRecords = {
    restoreTests: new Map(),
    runs: new Map(),
    unreadable: new Map(),
  };
  if (!entityRefs.length) {
    return read;
  }
  const unreadable = (record: PushedRecord, why: string) => {
    const list = read.unreadable.get(record.entityRef) ?? [];
    list.push(`${record.type} ${describePush(record)}: ${why}`);
    read.unreadable.set(record.entityRef, list);
  };
  const [restoreTests, runs] = await Promise.all([
    evidence.latest('restore-test', entityRefs),
    evidence.latest('backup-run', entityRefs),
  ]);
  for (const [entityRef, record] of restoreTests) {
    const parsed = restoreTestRecordSchema.safeParse(record.payload);
    if (parsed.success) {
      read.restoreTests.set(entityRef, {
        ...parsed.data,
        source: describePush(record),
        pushedBy: record.pushedBy,
      });
    } else {
      unreadable(record, describeIssues(parsed.error));
    }
  }
  for (const [entityRef, record] of runs) {
    const parsed = backupRunRecordSchema.safeParse(record.payload);
    if (!parsed.success) {
      unreadable(record, describeIssues(parsed.error));
      continue;
    }
    const run = parsed.data;
    read.runs.set(entityRef, {
      id: run.backupId,
      type: run.method ?? 'full',
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      status: run.status,
      ...(run.error ? { problem: run.error } : {}),
      ...(run.sizeBytes !== undefined ? { size: run.sizeBytes } : {}),
      sizeUnit: 'bytes',
      source: describePush(record),
      pushedBy: record.pushedBy,
    });
  }
  return read;
}

/**
 * Adds an entity's pushed records to what its location holds: the newest restore test wins
 * whichever source it came from; a pushed backup run counts unless the location's own
 * metadata describes the same backup (the tool's metadata is the better source).
 */
export function addPushedBackupRecords(
  facts: BackupFacts,
  entityRef: string,
  pushed: PushedBackupRecords,
): void {
  const restoreTest = pushed.restoreTests.get(entityRef);
  if (restoreTest) {
    facts.restoreTests.push(restoreTest);
    facts.restoreTests.sort(newestFinishedFirst);
  }
  const run = pushed.runs.get(entityRef);
  if (run && !facts.backups.some(b => b.id === run.id)) {
    facts.pushedRuns.push(run);
  }
  facts.unreadable.push(...(pushed.unreadable.get(entityRef) ?? []));
}
