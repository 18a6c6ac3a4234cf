import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { TestS3 } from '@internal/test-servers';
import {
  ANNOTATIONS,
  describeSummary,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  CollectorOutcome,
  evaluateCheck,
  FactCollector,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { createBackupChecks } from '../checks/backupChecks';
import { BackupCollector } from '../collector/BackupCollector';
import { readBackupModuleSettings } from '../config';

/** A check's evaluation, its summary as the tab shows it at `now` ("finished 1d ago"). */
export type ShownEvaluation = CheckEvaluation & {
  /** The summary as stored and served by the API, with absolute times. */
  storedSummary: string;
};

/**
 * Runs the collector once for all entities and evaluates every check for every entity, the
 * way the engine does (same evaluation path, same error handling).
 */
export async function evaluateFleet(options: {
  collector: FactCollector;
  checks: ReadinessCheck[];
  entities: Entity[];
  now?: Date;
  collectNow?: Date;
}): Promise<Map<string, Record<string, ShownEvaluation>>> {
  const now = options.now ?? new Date();
  const collected = await options.collector.collect(
    options.entities.filter(e => options.collector.appliesTo?.(e) ?? true),
    {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(60_000),
      now: options.collectNow ?? now,
    },
  );
  const outcomes = new Map<string, CollectorOutcome>([
    [
      options.collector.id,
      { ok: true, title: options.collector.title, collected },
    ],
  ]);
  const results = new Map<string, Record<string, ShownEvaluation>>();
  for (const entity of options.entities) {
    const entityRef = stringifyEntityRef(entity);
    const byCheck: Record<string, ShownEvaluation> = {};
    for (const check of options.checks) {
      const evaluation = await evaluateCheck({
        check,
        entity,
        entityRef,
        now,
        outcomes,
      });
      byCheck[check.id] = {
        ...evaluation,
        summary: describeSummary(evaluation.summary, now),
        storedSummary: evaluation.summary,
      };
    }
    results.set(entityRef, byCheck);
  }
  return results;
}

/**
 * A location on the S3-protocol server as app-config declares it, reached at `endpoint` (the
 * server, or a counting proxy in front of it).
 */
export function s3Location(
  name: string,
  s3: TestS3,
  bucket: string,
  endpoint = s3.endpoint,
): JsonObject {
  return {
    name,
    type: 's3',
    bucket,
    endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: s3.credentials,
  };
}

export function database(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'database', owner: 'team-orders' },
  };
}

/**
 * Evaluates every backup check for one database entity whose backups are in the folder
 * `root`, read as the filesystem location `nfs`.
 */
export async function evaluateOnFolder(options: {
  root: string;
  name: string;
  annotations: Record<string, string>;
  now?: Date;
}): Promise<Record<string, ShownEvaluation>> {
  const results = await evaluateFleet({
    collector: BackupCollector.create({
      locations: readBackupModuleSettings(
        new ConfigReader({
          productionReadiness: {
            backup: {
              locations: [
                { name: 'nfs', type: 'filesystem', path: options.root },
              ],
            },
          },
        }),
      ).locations,
    }),
    checks: createBackupChecks(
      readBackupModuleSettings(new ConfigReader({})).checks,
    ),
    entities: [
      database(options.name, {
        [ANNOTATIONS.backupLocation]: 'nfs',
        ...options.annotations,
      }),
    ],
    now: options.now,
  });
  return results.get(`resource:default/${options.name}`)!;
}
