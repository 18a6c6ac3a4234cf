/*
 * Engine benchmark (a script, not a test): `yarn bench:engine [entities]`.
 *
 * A synthetic catalog of 2,000 entities and 40 checks over 4 collectors whose upstream calls
 * have injected latency and are counted. Runs, in the same process:
 *   1. the engine: one refresh of the whole fleet into a real SQLite store;
 *   2. a naive evaluator that asks upstream once per entity per check (Tech Insights style);
 *   3. the report endpoint (real router, catalog lookup, permission check, store) on entities
 *      with 90 days of daily history;
 * and prints entities/s, upstream calls, wall times, report p50/p95 and peak RSS.
 */
import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  checkResult,
  createFactCollector,
  createReadinessCheck,
  FactCollector,
  ReadinessCheck,
  DatabasePushedEvidence,
} from '@production-readiness/plugin-production-readiness-node';
import express from 'express';
import knexFactory from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { readReadinessConfig } from '../../plugins/production-readiness-backend/src/config';
import { CheckRegistry } from '../../plugins/production-readiness-backend/src/engine/CheckRegistry';
import { DefaultReadinessEngine } from '../../plugins/production-readiness-backend/src/engine/ReadinessEngine';
import { createRouter } from '../../plugins/production-readiness-backend/src/service/router';
import { DatabaseRateLimits } from '../../plugins/production-readiness-backend/src/store/DatabaseRateLimits';
import { DatabaseReadinessStore } from '../../plugins/production-readiness-backend/src/store/DatabaseReadinessStore';

const ENTITIES = Number(process.argv[2] ?? 2000);
const CHECKS_PER_COLLECTOR = 10;
const LATENCY_MS = 10;
const NAIVE_CONCURRENCY = 64;
const HISTORY_DAYS = 90;
const HISTORY_ENTITIES = 50;
const REPORT_REQUESTS = 400;

/** Upstream systems each collector talks to: calls are per system, never per entity. */
const SOURCES: Record<string, string[]> = {
  kubernetes: [
    'cluster-a/deployments',
    'cluster-a/pdbs',
    'cluster-b/deployments',
    'cluster-b/pdbs',
  ],
  prometheus: ['targets', 'rules', 'query:error-rate', 'alertmanager-status'],
  backup: ['bucket-eu/list', 'bucket-us/list'],
  delivery: ['ci-runs'],
};

let upstreamCalls = 0;
async function upstreamCall(): Promise<void> {
  upstreamCalls += 1;
  await new Promise(resolve => setTimeout(resolve, LATENCY_MS));
}

/** Day of the simulated history; every day a tenth of the facts move. */
let drift = 0;

/** Deterministic pseudo-random value per entity and check, so both evaluators agree. */
function factValue(entityIndex: number, checkIndex: number): number {
  const base =
    ((entityIndex + 1) * 2654435761 + (checkIndex + 1) * 40503) % 1000;
  return (entityIndex + checkIndex + drift) % 10 === 0
    ? (base + 500) % 1000
    : base;
}

function syntheticCatalog(count: number): Entity[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': `svc-${i}` },
    },
    spec: {
      type: 'service',
      lifecycle: i % 5 === 0 ? 'experimental' : 'production',
      owner: `group:default/team-${i % 40}`,
    },
  }));
}

function entityIndex(entityRef: string): number {
  return Number(entityRef.slice(entityRef.lastIndexOf('-') + 1));
}

function batchCollector(id: string): FactCollector<number[]> {
  return createFactCollector<number[]>({
    id,
    title: id,
    async collect(entities) {
      await Promise.all(SOURCES[id].map(() => upstreamCall()));
      const facts = new Map<string, number[]>();
      for (const entity of entities) {
        const ref = stringifyEntityRef(entity);
        const index = entityIndex(ref);
        facts.set(
          ref,
          Array.from({ length: CHECKS_PER_COLLECTOR }, (_, c) =>
            factValue(index, c),
          ),
        );
      }
      return { facts };
    },
  });
}

function verdict(value: number) {
  if (value < 700) return checkResult.pass(`value ${value} within limits`);
  if (value < 850) return checkResult.warn(`value ${value} close to the limit`);
  if (value < 980) return checkResult.fail(`value ${value} over the limit`);
  return checkResult.unknown('no data for this entity');
}

function syntheticChecks(): ReadinessCheck[] {
  const pillars = ['availability', 'monitoring', 'backup', 'delivery'];
  return Object.keys(SOURCES).flatMap((collectorId, p) =>
    Array.from({ length: CHECKS_PER_COLLECTOR }, (_, c) =>
      createReadinessCheck({
        id: `${pillars[p]}.synthetic-${c}`,
        pillar: pillars[p],
        title: `Synthetic check ${c} on ${collectorId}`,
        description: 'Benchmark check',
        severity: (['critical', 'major', 'minor'] as const)[c % 3],
        remediation: 'Fix it.',
        collectors: [collectorId],
        evaluate: ({ facts }) => {
          const values = facts<number[]>(collectorId);
          return values ? verdict(values[c]) : checkResult.unknown('no facts');
        },
      }),
    ),
  );
}

/** The per-request way: one upstream call per entity per check. */
async function naiveEvaluate(entities: Entity[], checks: ReadinessCheck[]) {
  const limit = pLimit(NAIVE_CONCURRENCY);
  let results = 0;
  await Promise.all(
    entities.flatMap(entity =>
      checks.map((_check, checkIndex) =>
        limit(async () => {
          await upstreamCall();
          verdict(
            factValue(
              entityIndex(stringifyEntityRef(entity)),
              checkIndex % CHECKS_PER_COLLECTOR,
            ),
          );
          results += 1;
        }),
      ),
    ),
  );
  return results;
}

const silentLogger = mockServices.rootLogger({
  level: 'none',
}) as LoggerService;

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pr-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  const database: DatabaseService = { getClient: async () => knex };
  const store = await DatabaseReadinessStore.create({ database });
  const entities = syntheticCatalog(ENTITIES);
  const catalog = catalogServiceMock({ entities });
  const collectors = Object.keys(SOURCES).map(batchCollector);
  const checks = syntheticChecks();
  const registry = CheckRegistry.create({ checks, collectors });
  const config = readReadinessConfig(new ConfigReader({}));
  let clock = new Date('2026-08-24T02:00:00Z');
  const engine = DefaultReadinessEngine.create({
    logger: silentLogger,
    catalog,
    auth: mockServices.auth(),
    store,
    registry,
    config,
    now: () => clock,
  });

  console.log(
    `Engine benchmark: ${ENTITIES} entities x ${checks.length} checks, ${collectors.length} collectors, ` +
      `${LATENCY_MS} ms per upstream call`,
  );

  // 1. The engine, twice: a first refresh writes every row, a second one only changes.
  const engineRuns = [];
  for (const label of ['first refresh', 'second refresh']) {
    upstreamCalls = 0;
    const started = performance.now();
    const summary = await engine.refreshAll();
    const wall = performance.now() - started;
    const collectorWall = Math.max(
      ...summary.collectors.map(c => c.durationMs),
    );
    engineRuns.push({
      label,
      wall,
      calls: upstreamCalls,
      results: summary.results,
      rowsWritten: summary.rowsWritten,
      evaluationMs: wall - collectorWall,
    });
    clock = new Date(clock.getTime() + 600_000);
  }

  // 2. The naive evaluator.
  upstreamCalls = 0;
  const naiveStarted = performance.now();
  const naiveResults = await naiveEvaluate(entities, checks);
  const naiveWall = performance.now() - naiveStarted;
  const naiveCalls = upstreamCalls;

  // 3. 90 days of daily history for a sample of entities (statuses drift day by day).
  const sample = entities.slice(0, HISTORY_ENTITIES);
  for (let day = 1; day <= HISTORY_DAYS; day++) {
    clock = new Date(clock.getTime() + 86_400_000);
    drift = day;
    await engine.evaluate(sample);
  }
  const historyRows = await knex('pr_history').count({ n: '*' });
  const resultRows = await knex('pr_results').count({ n: '*' });

  const app = express();
  app.use(
    '/api/production-readiness',
    await createRouter({
      logger: silentLogger,
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      permissions: mockServices.permissions(),
      userInfo: mockServices.userInfo(),
      catalog,
      store,
      rateLimits: new DatabaseRateLimits(knex),
      pushedEvidence: DatabasePushedEvidence.create(database),
      engine,
      registry,
      config,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const latencies: number[] = [];
  for (let i = 0; i < REPORT_REQUESTS; i++) {
    const entity = sample[i % sample.length];
    const started = performance.now();
    const response = await fetch(
      `http://127.0.0.1:${port}/api/production-readiness/entities/component/default/${entity.metadata.name}/report`,
      { headers: { authorization: 'Bearer mock-user-token' } },
    );
    const body = await response.json();
    latencies.push(performance.now() - started);
    // Every check has a result; the engine adds one `<pillar>.covered` result per pillar.
    const reported = new Set(
      (body.results ?? []).map((r: { checkId: string }) => r.checkId),
    );
    if (response.status !== 200 || checks.some(c => !reported.has(c.id))) {
      throw new Error(
        `Unexpected report: ${response.status} ${JSON.stringify(body).slice(
          0,
          200,
        )}`,
      );
    }
  }
  server.close();
  latencies.sort((a, b) => a - b);

  const engineFirst = engineRuns[0];
  console.log('');
  console.log(
    '| run | wall time | upstream calls | results | rows written | entities/s (excl. injected latency) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const run of engineRuns) {
    console.log(
      `| engine, ${run.label} | ${(run.wall / 1000).toFixed(2)} s | ${
        run.calls
      } | ${run.results} | ${run.rowsWritten} | ${Math.round(
        ENTITIES / (run.evaluationMs / 1000),
      )} |`,
    );
  }
  console.log(
    `| naive per entity x check (${NAIVE_CONCURRENCY} in parallel) | ${(
      naiveWall / 1000
    ).toFixed(2)} s | ${naiveCalls} | ${naiveResults} | - |`,
  );
  console.log('');
  console.log(
    `Naive / engine: ${(naiveWall / engineFirst.wall).toFixed(
      1,
    )}x the wall time, ` +
      `${Math.round(naiveCalls / engineFirst.calls)}x the upstream calls`,
  );
  console.log(
    `Report endpoint (${REPORT_REQUESTS} requests, ${sample.length} entities with ${HISTORY_DAYS} days of daily evaluations): ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(
        latencies,
        95,
      ).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`,
  );
  console.log(
    `Store: ${resultRows[0].n} latest results, ${
      historyRows[0].n
    } history rows after ${HISTORY_DAYS + 2} evaluations`,
  );
  console.log(
    `Peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );

  await knex.destroy();
  rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
