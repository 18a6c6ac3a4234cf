import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { notificationService } from '@backstage/plugin-notifications-node';
import { POSTGRES_ID_ENV, testDatabaseIds } from '@internal/test-servers';
import {
  checkResult,
  createFactCollector,
  createReadinessCheck,
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
} from '@production-readiness/plugin-production-readiness-node';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { ReadinessTestBackend, startReadinessTestBackend } from './testUtils';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: testDatabaseIds() });

const fleet: Entity[] = ['orders-api', 'billing-api', 'search-api'].map(
  name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-orders' }],
  }),
);
const fleetRefs = fleet.map(e => stringifyEntityRef(e));
const CHECK = 'test.source-healthy';

type SourceStatus = 'pass' | 'warn' | 'fail';

/**
 * The upstream both replicas read. `holdFleetRuns` makes the next evaluation of the whole
 * fleet wait after reading (a slow source): it has read the status of its start.
 */
class Source {
  status: SourceStatus = 'pass';
  private hold?: { started: () => void; release: Promise<void> };

  holdFleetRuns(): { started: Promise<void>; release: () => void } {
    let started!: () => void;
    let release!: () => void;
    const startedPromise = new Promise<void>(resolve => {
      started = resolve;
    });
    this.hold = {
      started,
      release: new Promise<void>(resolve => {
        release = resolve;
      }),
    };
    return { started: startedPromise, release };
  }

  async read(entities: Entity[]): Promise<SourceStatus> {
    const status = this.status;
    const hold = this.hold;
    if (hold && entities.length === fleet.length) {
      this.hold = undefined;
      hold.started();
      await hold.release;
    }
    return status;
  }
}

/** The test source's collector and check; hands over the plugin's scheduler. */
function sourceModule(
  source: Source,
  onScheduler: (scheduler: SchedulerService) => void,
) {
  return createBackendModule({
    pluginId: 'production-readiness',
    moduleId: 'test-source',
    register(reg) {
      reg.registerInit({
        deps: {
          checks: productionReadinessChecksExtensionPoint,
          collectors: productionReadinessCollectorsExtensionPoint,
          scheduler: coreServices.scheduler,
        },
        async init({ checks, collectors, scheduler }) {
          onScheduler(scheduler);
          collectors.addCollectors(
            createFactCollector<SourceStatus>({
              id: 'test-source',
              title: 'Test source',
              collect: async entities => {
                const status = await source.read(entities);
                return {
                  facts: new Map(
                    entities.map(e => [stringifyEntityRef(e), status]),
                  ),
                };
              },
            }),
          );
          checks.addChecks(
            createReadinessCheck({
              id: CHECK,
              pillar: 'monitoring',
              title: 'The source is healthy',
              description: 'What the test source says.',
              severity: 'critical',
              remediation: 'Make the source healthy.',
              collectors: ['test-source'],
              evaluate: ({ facts }) => {
                const status = facts<SourceStatus>('test-source');
                return status === undefined
                  ? checkResult.unknown('The source said nothing')
                  : checkResult[status](`The source says ${status}`);
              },
            }),
          );
        },
      });
    },
  });
}

const postgresId = process.env[POSTGRES_ID_ENV];

describe('two backend replicas on one PostgreSQL', () => {
  const knexes: Knex[] = [];
  const backends: ReadinessTestBackend[] = [];
  afterAll(async () => {
    for (const backend of backends.reverse()) {
      await backend.stop();
    }
    await Promise.all(knexes.slice(1).map(k => k.destroy()));
  });

  it('writes each change once and lets the newer evaluation win', async () => {
    expect(postgresId).toBeDefined();
    const knex = await databases.init(postgresId as 'POSTGRES_15');
    knexes.push(knex);
    const source = new Source();
    const notifications: Array<{ replica: string; title: string }> = [];
    const schedulers: SchedulerService[] = [];

    // Each replica has its own connection pool to the same database, as two processes do.
    for (const [i, replica] of ['A', 'B'].entries()) {
      const own =
        i === 0
          ? knex
          : knexFactory({
              client: 'pg',
              connection: knex.client.config.connection,
            });
      knexes.push(own);
      backends.push(
        await startReadinessTestBackend({
          entities: fleet,
          features: [sourceModule(source, sch => schedulers.push(sch))],
          services: [
            mockServices.database.factory({ knex: own }),
            // Runs a task when triggered, in this replica.
            mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => ({
                send: async (n: { payload: { title: string } }) => {
                  notifications.push({ replica, title: n.payload.title });
                },
              }),
            }),
          ],
        }),
      );
    }
    const [a, b] = backends;
    const scheduledRefresh = (i: number) =>
      schedulers[i].triggerTask('production-readiness-refresh');

    // Both replicas run the scheduled refresh of the same fleet at the same time.
    await Promise.all([scheduledRefresh(0), scheduledRefresh(1)]);
    const statusRows = () =>
      knex('pr_results')
        .where('check_id', CHECK)
        .orderBy('entity_ref')
        .select('entity_ref', 'status');
    expect(await statusRows()).toEqual(
      [...fleetRefs].sort().map(ref => ({ entity_ref: ref, status: 'pass' })),
    );

    // The source fails, both replicas see it at once: one notification per entity.
    source.status = 'fail';
    await Promise.all([scheduledRefresh(0), scheduledRefresh(1)]);
    expect(notifications).toHaveLength(fleet.length);
    notifications.length = 0;
    source.status = 'pass';
    await Promise.all([scheduledRefresh(1), scheduledRefresh(0)]);
    expect(await statusRows()).toEqual(
      [...fleetRefs].sort().map(ref => ({ entity_ref: ref, status: 'pass' })),
    );

    // A scheduled refresh on A reads the source (warn), then the source is slow to answer.
    source.status = 'warn';
    const slow = source.holdFleetRuns();
    const scheduled = scheduledRefresh(0);
    await slow.started;

    // Meanwhile the source turns to fail and users refresh every entity through B.
    source.status = 'fail';
    for (const ref of fleetRefs) {
      expect(b.statuses(await b.refresh(ref))[CHECK]).toBe('fail');
    }
    // The refresh limit holds across replicas: A refuses what B has just refreshed.
    const again = await request(a.server)
      .post(
        '/api/production-readiness/entities/component/default/orders-api/refresh',
      )
      .set('Authorization', 'Bearer mock-user-token');
    expect(again.status).toBe(429);

    // A's evaluation started before B's: when it finishes, it leaves B's results alone.
    slow.release();
    await scheduled;
    expect(await statusRows()).toEqual(
      [...fleetRefs].sort().map(ref => ({ entity_ref: ref, status: 'fail' })),
    );
    for (const report of await Promise.all(
      [a, b].map(backend => backend.overview()),
    )) {
      expect(report.map(entry => entry.entityRef).sort()).toEqual(
        [...fleetRefs].sort(),
      );
    }

    // One result per (entity, check); history: pass, fail, pass, then the open fail.
    const duplicates = await knex('pr_results')
      .select('entity_ref', 'check_id')
      .count({ n: '*' })
      .groupBy('entity_ref', 'check_id')
      .having(knex.raw('count(*) > 1'));
    expect(duplicates).toEqual([]);
    const history = await knex('pr_history')
      .where('check_id', CHECK)
      .orderBy(['entity_ref', 'first_seen'])
      .select('entity_ref', 'status', 'last_seen');
    expect(
      history.map(h => [h.entity_ref, h.status, h.last_seen === null]),
    ).toEqual(
      [...fleetRefs].sort().flatMap(ref => [
        [ref, 'pass', false],
        [ref, 'fail', false],
        [ref, 'pass', false],
        [ref, 'fail', true],
      ]),
    );

    // One notification per entity that stopped passing, sent by the replica that saw it.
    expect(notifications).toHaveLength(fleet.length);
    expect(new Set(notifications.map(n => n.replica))).toEqual(new Set(['B']));
  });
});
