import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { testDatabaseIds } from '@internal/test-servers';
import {
  checkResult,
  CollectedFacts,
  createFactCollector,
  createReadinessCheck,
  EvidenceClaim,
  FactCollector,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { readReadinessConfig } from '../config';
import {
  catalogChecksOptions,
  createCatalogChecks,
} from '../checks/catalogChecks';
import { createCatalogCollector } from '../checks/catalogCollector';
import { DatabaseReadinessStore } from '../store/DatabaseReadinessStore';
import { CheckRegistry } from './CheckRegistry';
import { DefaultReadinessEngine } from './ReadinessEngine';
import { waiverAnnotationCheck } from './waivers';

jest.setTimeout(60_000);

function component(
  name: string,
  extra: Partial<Entity['metadata']> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', ...extra },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-a',
    },
  };
}

/**
 * A collector of replica counts that counts its upstream calls; with `workloadOf`, each entity
 * claims the workload it names.
 */
function replicaCollector(
  replicas: Record<string, number>,
  workloadOf: Record<string, string> = {},
) {
  const calls: Entity[][] = [];
  const collector = createFactCollector<{ replicas: number }>({
    id: 'cluster',
    title: 'Cluster',
    async collect(entities) {
      calls.push(entities);
      const facts = new Map<string, { replicas: number }>();
      const claims = new Map<string, EvidenceClaim[]>();
      for (const entity of entities) {
        const { name } = entity.metadata;
        const ref = `component:default/${name}`;
        const count = replicas[name];
        if (count !== undefined) {
          facts.set(ref, { replicas: count });
        }
        const id = workloadOf[name];
        if (id !== undefined) {
          claims.set(ref, [
            {
              kind: 'workload',
              id,
              how: `app=${name}`,
              settle: `Annotate ${id} with its entity ref.`,
            },
          ]);
        }
      }
      return { facts, claims };
    },
  });
  return { collector, calls };
}

const replicasCheck = createReadinessCheck({
  id: 'availability.replicas',
  pillar: 'availability',
  title: 'At least two replicas',
  description: 'One replica means downtime on every deploy.',
  severity: 'critical',
  remediation: 'Set spec.replicas to 2 or more.',
  collectors: ['cluster'],
  evaluate: ({ facts }) => {
    const workload = facts<{ replicas: number }>('cluster');
    if (!workload) {
      return checkResult.unknown(
        'No workload found: add backstage.io/kubernetes-id',
      );
    }
    return workload.replicas >= 2
      ? checkResult.pass(`${workload.replicas} replicas`)
      : checkResult.fail(`${workload.replicas} replica`);
  },
});

const ownerCheck = createReadinessCheck({
  id: 'documentation.owner-set',
  pillar: 'documentation',
  title: 'Owner set',
  description: 'Somebody owns it.',
  severity: 'major',
  remediation: 'Set spec.owner.',
  collectors: [],
  evaluate: ({ entity }) =>
    (entity.spec as { owner?: string }).owner
      ? checkResult.pass('Owned')
      : checkResult.fail('No owner'),
});

const databases = TestDatabases.create({ ids: testDatabaseIds() });

describe('DefaultReadinessEngine', () => {
  let clock: Date;

  async function setup(options: {
    entities: Entity[];
    collectors: FactCollector[];
    checks?: ReadinessCheck[];
    config?: object;
    notifications?: { send: jest.Mock };
  }) {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseReadinessStore.create({
      database: mockServices.database({ knex }),
    });
    const catalog = catalogServiceMock({ entities: options.entities });
    const registry = CheckRegistry.create({
      checks: options.checks ?? [
        replicasCheck,
        ownerCheck,
        waiverAnnotationCheck,
      ],
      collectors: options.collectors,
    });
    const makeEngine = (entities: Entity[]) =>
      DefaultReadinessEngine.create({
        logger: mockServices.logger.mock(),
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        store,
        registry,
        config: readReadinessConfig(
          new ConfigReader({
            productionReadiness: {
              collectors: { timeout: { milliseconds: 200 } },
              // The pillars of the checks under test; the coverage suite tests the defaults.
              coverage: {
                rules: [
                  {
                    name: 'components',
                    kind: ['Component'],
                    pillars: ['availability', 'documentation'],
                  },
                ],
              },
              ...options.config,
            },
          }),
        ),
        notifications: options.notifications,
        now: () => clock,
      });
    return { store, catalog, engine: makeEngine(options.entities), makeEngine };
  }

  beforeEach(() => {
    clock = new Date('2026-11-22T10:00:00Z');
  });

  it('runs each collector once for the whole fleet and evaluates every entity', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `svc-${i}`);
    const { collector, calls } = replicaCollector(
      Object.fromEntries(names.map((n, i) => [n, i % 3 === 0 ? 1 : 3])),
    );
    const { engine, store } = await setup({
      entities: names.map(n => component(n)),
      collectors: [collector],
    });

    const summary = await engine.refreshAll();

    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(60);
    expect(summary).toMatchObject({ entities: 60, results: 120 });
    const results = await store.getResults('component:default/svc-0');
    expect(results.map(r => [r.checkId, r.status, r.summary]).sort()).toEqual([
      ['availability.replicas', 'fail', '1 replica'],
      ['documentation.owner-set', 'pass', 'Owned'],
    ]);
    expect(
      (await store.getResults('component:default/svc-1'))[0],
    ).toMatchObject({
      status: 'pass',
    });
  });

  it('writes nothing once the scheduler aborts the run, and aborts the collectors still running', async () => {
    let collecting: (signal: AbortSignal) => void = () => {};
    const started = new Promise<AbortSignal>(resolve => {
      collecting = resolve;
    });
    // A collector stuck on its upstream; it never answers by itself.
    const stuck = createFactCollector<{ replicas: number }>({
      id: 'cluster',
      title: 'Cluster',
      collect: (_entities, { signal }) => {
        collecting(signal);
        return new Promise(() => {});
      },
    });
    const { engine, store } = await setup({
      entities: [component('orders-api')],
      collectors: [stuck],
      config: { collectors: { timeout: { minutes: 5 } } },
    });
    const scheduler = new AbortController();
    const run = engine.refreshAll({ signal: scheduler.signal });
    const collectorSignal = await started;
    scheduler.abort(new Error('task production-readiness-refresh timed out'));

    await expect(run).rejects.toThrow(
      'task production-readiness-refresh timed out',
    );
    expect(collectorSignal.aborted).toBe(true);
    await expect(
      store.getResults('component:default/orders-api'),
    ).resolves.toEqual([]);
    await expect(store.getEntitySummaries()).resolves.toEqual([]);
  });

  it('runs an optional collector a check reads where a module installed it, and evaluates without it elsewhere', async () => {
    const runsCheck = createReadinessCheck({
      ...replicasCheck,
      id: 'availability.restarts',
      optionalCollectors: ['restarts'],
      evaluate: ({ facts }) => {
        const restarts = facts<number>('restarts');
        return restarts === undefined
          ? checkResult.pass('restarts not read')
          : checkResult.fail(`${restarts} restarts`);
      },
    });
    const calls: number[] = [];
    const restarts = createFactCollector<number>({
      id: 'restarts',
      title: 'Restarts',
      async collect(entities) {
        calls.push(entities.length);
        return {
          facts: new Map(
            entities.map(e => [`component:default/${e.metadata.name}`, 4]),
          ),
        };
      },
    });
    const entities = [component('orders-api'), component('billing')];
    const replicas = replicaCollector({ 'orders-api': 2, billing: 2 });
    const installed = await setup({
      entities,
      collectors: [replicas.collector, restarts],
      checks: [runsCheck, ownerCheck],
    });
    await installed.engine.refreshAll();
    expect(calls).toEqual([2]);
    const restartsOf = async (store: typeof installed.store) =>
      (await store.getResults('component:default/billing')).find(
        r => r.checkId === 'availability.restarts',
      );
    await expect(restartsOf(installed.store)).resolves.toMatchObject({
      status: 'fail',
      summary: '4 restarts',
    });

    const absent = await setup({
      entities,
      collectors: [replicas.collector],
      checks: [runsCheck, ownerCheck],
    });
    await absent.engine.refreshAll();
    await expect(restartsOf(absent.store)).resolves.toMatchObject({
      status: 'pass',
      summary: 'restarts not read',
    });
  });

  it('reports unknown, never pass, when a collector has no data for an entity', async () => {
    const { collector } = replicaCollector({});
    const { engine, store } = await setup({
      entities: [component('orders-api')],
      collectors: [collector],
    });
    await engine.refreshAll();
    const [replicas] = await store.getResults('component:default/orders-api');
    expect(replicas).toMatchObject({
      checkId: 'availability.replicas',
      status: 'unknown',
      summary: 'No workload found: add backstage.io/kubernetes-id',
    });
  });

  it('turns a collector timeout into error for the checks reading it only', async () => {
    let aborted = false;
    const hanging = createFactCollector({
      id: 'cluster',
      title: 'Cluster "prod-eu"',
      collect: (_entities, { signal }) =>
        new Promise<CollectedFacts<unknown>>(() => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    });
    const { engine, store } = await setup({
      entities: [component('orders-api')],
      collectors: [hanging],
    });
    const summary = await engine.refreshAll();
    expect(summary.collectors).toEqual([
      expect.objectContaining({
        id: 'cluster',
        ok: false,
        reason: 'timed out after 200 ms',
      }),
    ]);
    expect(aborted).toBe(true);
    const results = await store.getResults('component:default/orders-api');
    expect(
      results.find(r => r.checkId === 'availability.replicas'),
    ).toMatchObject({
      status: 'error',
      summary: 'Cluster "prod-eu" failed: timed out after 200 ms',
    });
    expect(
      results.find(r => r.checkId === 'documentation.owner-set')?.status,
    ).toBe('pass');
  });

  it('turns a throwing collector and garbage facts into explained errors', async () => {
    const throwing = createFactCollector({
      id: 'cluster',
      title: 'Cluster',
      collect: async () => {
        throw new Error('401 Unauthorized: token expired');
      },
    });
    const { engine, store } = await setup({
      entities: [component('orders-api')],
      collectors: [throwing],
    });
    await engine.refreshAll();
    expect(
      (await store.getResults('component:default/orders-api')).find(
        r => r.checkId === 'availability.replicas',
      ),
    ).toMatchObject({
      status: 'error',
      summary: 'Cluster failed: 401 Unauthorized: token expired',
    });

    const garbage = createFactCollector({
      id: 'cluster',
      title: 'Cluster',
      collect: async () =>
        ({ facts: { 'component:default/orders-api': 3 } } as any),
    });
    const second = await setup({
      entities: [component('orders-api')],
      collectors: [garbage],
    });
    await second.engine.refreshAll();
    expect(
      (await second.store.getResults('component:default/orders-api')).find(
        r => r.checkId === 'availability.replicas',
      ),
    ).toMatchObject({
      status: 'error',
      summary: 'Cluster failed: returned no facts (expected { facts: Map })',
    });
  });

  it('limits per-entity collector errors to those entities', async () => {
    const partial = createFactCollector({
      id: 'cluster',
      title: 'Cluster',
      collect: async () => ({
        facts: new Map([['component:default/orders-api', { replicas: 2 }]]),
        errors: new Map([
          ['component:default/payments-api', 'cluster "prod-us" answered 503'],
        ]),
      }),
    });
    const { engine, store } = await setup({
      entities: [component('orders-api'), component('payments-api')],
      collectors: [partial],
    });
    await engine.refreshAll();
    const status = async (ref: string) =>
      (await store.getResults(ref)).find(
        r => r.checkId === 'availability.replicas',
      );
    expect(await status('component:default/orders-api')).toMatchObject({
      status: 'pass',
    });
    expect(await status('component:default/payments-api')).toMatchObject({
      status: 'error',
      summary: 'Cluster: cluster "prod-us" answered 503',
    });
  });

  it('writes history only when a status changes', async () => {
    const replicas: Record<string, number> = { 'orders-api': 3 };
    const { collector } = replicaCollector(replicas);
    const { engine, store } = await setup({
      entities: [component('orders-api')],
      collectors: [collector],
    });
    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + 600_000);
      await engine.refreshAll();
    }
    const since = new Date('2026-01-01T00:00:00Z');
    expect(
      await store.getHistory('component:default/orders-api', {
        since,
        limit: 50,
      }),
    ).toHaveLength(2);

    replicas['orders-api'] = 1;
    clock = new Date(clock.getTime() + 600_000);
    await engine.refreshAll();
    const history = await store.getHistory('component:default/orders-api', {
      since,
      limit: 50,
    });
    expect(history.filter(h => h.checkId === 'availability.replicas')).toEqual([
      expect.objectContaining({
        status: 'fail',
        firstSeen: '2026-11-22T10:40:00.000Z',
      }),
      expect.objectContaining({
        status: 'pass',
        firstSeen: '2026-11-22T10:10:00.000Z',
        lastSeen: '2026-11-22T10:30:00.000Z',
      }),
    ]);
  });

  it('forgets entities deleted from the catalog', async () => {
    const { collector } = replicaCollector({ 'orders-api': 2, 'old-api': 2 });
    const { engine, store, makeEngine } = await setup({
      entities: [component('orders-api'), component('old-api')],
      collectors: [collector],
    });
    await engine.refreshAll();
    expect(await store.getResults('component:default/old-api')).toHaveLength(2);

    await makeEngine([component('orders-api')]).refreshAll();
    expect(await store.getResults('component:default/old-api')).toEqual([]);
    expect(await store.getResults('component:default/orders-api')).toHaveLength(
      2,
    );
  });

  it('shows an annotation waiver as a request until approved, then applies it until it expires', async () => {
    const { collector } = replicaCollector({ 'batch-worker': 1 });
    const { engine, store } = await setup({
      entities: [
        component('batch-worker', {
          annotations: {
            'production-readiness.io/waivers':
              '- check: availability.replicas\n  until: 2026-11-23\n  reason: single-replica batch worker by design',
          },
        }),
      ],
      collectors: [collector],
    });
    await engine.refreshAll();
    const replicas = async () =>
      (await store.getResults('component:default/batch-worker')).find(
        r => r.checkId === 'availability.replicas',
      );
    // The owner's annotation alone waives nothing.
    expect(await replicas()).toMatchObject({
      status: 'fail',
      underlyingStatus: 'fail',
      waiver: {
        origin: 'annotation',
        state: 'requested',
        requestedBy: 'group:default/team-a',
        reason: 'single-replica batch worker by design',
        expiresAt: '2026-11-23T23:59:59.999Z',
      },
    });

    await store.addWaiver({
      entityRef: 'component:default/batch-worker',
      checkId: 'availability.replicas',
      reason: 'single-replica batch worker by design',
      expiresAt: new Date('2026-11-23T23:59:59.999Z'),
      origin: 'annotation',
      requestedBy: 'group:default/team-a',
      createdBy: 'user:default/platform-lead',
    });
    await engine.refreshAll();
    expect(await replicas()).toMatchObject({
      status: 'waived',
      underlyingStatus: 'fail',
      waiver: {
        origin: 'annotation',
        state: 'approved',
        requestedBy: 'group:default/team-a',
        approvedBy: 'user:default/platform-lead',
      },
    });

    clock = new Date('2026-11-24T08:00:00Z');
    await engine.refreshAll();
    expect(await replicas()).toMatchObject({
      status: 'fail',
      waiver: undefined,
    });
  });

  it('stops applying an approved annotation waiver once the owner withdraws the request', async () => {
    const { collector } = replicaCollector({ 'batch-worker': 1 });
    const approved = {
      entityRef: 'component:default/batch-worker',
      checkId: 'availability.replicas',
      reason: 'single-replica batch worker by design',
      expiresAt: new Date('2026-11-23T23:59:59.999Z'),
      origin: 'annotation' as const,
      requestedBy: 'group:default/team-a',
      createdBy: 'user:default/platform-lead',
    };
    const { store, makeEngine } = await setup({
      entities: [component('batch-worker')],
      collectors: [collector],
    });
    await store.addWaiver(approved);
    await makeEngine([component('batch-worker')]).refreshAll();
    expect(
      (await store.getResults('component:default/batch-worker')).find(
        r => r.checkId === 'availability.replicas',
      ),
    ).toMatchObject({ status: 'fail', waiver: undefined });
  });

  it('applies waivers created through the API', async () => {
    const { collector } = replicaCollector({ 'orders-api': 1 });
    const { engine, store } = await setup({
      entities: [component('orders-api')],
      collectors: [collector],
    });
    await store.addWaiver({
      origin: 'api',
      entityRef: 'component:default/orders-api',
      checkId: 'availability.replicas',
      reason: 'migrating to a StatefulSet this week',
      expiresAt: new Date('2026-11-25T00:00:00Z'),
      createdBy: 'user:default/ada',
    });
    await engine.refreshAll();
    expect(
      (await store.getResults('component:default/orders-api')).find(
        r => r.checkId === 'availability.replicas',
      ),
    ).toMatchObject({
      status: 'waived',
      underlyingStatus: 'fail',
      waiver: {
        origin: 'api',
        state: 'approved',
        approvedBy: 'user:default/ada',
      },
    });
  });

  it('reports a malformed waiver annotation instead of ignoring it', async () => {
    const { collector } = replicaCollector({ 'orders-api': 1 });
    const { engine, store } = await setup({
      entities: [
        component('orders-api', {
          annotations: {
            'production-readiness.io/waivers': 'check: availability.replicas',
          },
        }),
      ],
      collectors: [collector],
    });
    await engine.refreshAll();
    const results = await store.getResults('component:default/orders-api');
    expect(
      results.find(r => r.checkId === 'documentation.waivers-valid'),
    ).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        'annotation production-readiness.io/waivers is invalid',
      ),
    });
    expect(
      results.find(r => r.checkId === 'availability.replicas')?.status,
    ).toBe('fail');
  });

  it("notifies the owning group once when a production entity's critical check regresses", async () => {
    const replicas: Record<string, number> = { 'orders-api': 2 };
    const { collector } = replicaCollector(replicas);
    const notifications = { send: jest.fn() };
    const { engine } = await setup({
      entities: [component('orders-api')],
      collectors: [collector],
      notifications,
    });
    await engine.refreshAll();
    expect(notifications.send).not.toHaveBeenCalled();

    replicas['orders-api'] = 1;
    await engine.refreshAll();
    await engine.refreshAll();
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: 'group:default/team-a' },
      payload: expect.objectContaining({
        title: 'orders-api is no longer production ready',
        description:
          'The production gate now blocks it: level none is below the required silver. Critical check(s) no longer passing: At least two replicas (fail).',
        link: '/catalog/default/component/orders-api/production-readiness',
        severity: 'high',
      }),
    });
  });

  it('notifies when a critical check stops passing for want of data, not only when it fails', async () => {
    const replicas: Record<string, number> = { 'orders-api': 2 };
    const { collector } = replicaCollector(replicas);
    const notifications = { send: jest.fn() };
    const { engine } = await setup({
      entities: [component('orders-api')],
      collectors: [collector],
      notifications,
    });
    await engine.refreshAll();
    delete replicas['orders-api'];
    await engine.refreshAll();
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send.mock.calls[0][0].payload.description).toContain(
      'At least two replicas (unknown)',
    );
  });

  it('notifies when the gate closes although no critical check regressed', async () => {
    let owned = true;
    const notifications = { send: jest.fn() };
    const majorOwner = createReadinessCheck({
      ...ownerCheck,
      evaluate: () =>
        owned ? checkResult.pass('Owned') : checkResult.fail('No owner'),
    });
    const { collector } = replicaCollector({ 'orders-api': 2 });
    const { engine } = await setup({
      entities: [component('orders-api')],
      collectors: [collector],
      checks: [replicasCheck, majorOwner],
      notifications,
    });
    await engine.refreshAll();
    owned = false;
    await engine.refreshAll();
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send.mock.calls[0][0].payload.description).toBe(
      'The production gate now blocks it: level bronze is below the required silver.',
    );
  });

  it('tells owners once about a waiver that expires within the notice', async () => {
    const notifications = { send: jest.fn() };
    const { collector } = replicaCollector({ 'orders-api': 1 });
    const { engine, store } = await setup({
      entities: [component('orders-api')],
      collectors: [collector],
      notifications,
    });
    await store.addWaiver({
      origin: 'api',
      entityRef: 'component:default/orders-api',
      checkId: 'availability.replicas',
      reason: 'migrating to a StatefulSet this week',
      expiresAt: new Date('2026-11-25T00:00:00Z'),
      createdBy: 'user:default/ada',
    });
    await engine.refreshAll();
    await engine.refreshAll();
    const expiring = notifications.send.mock.calls.filter(([n]) =>
      n.payload.title.startsWith('Waiver of'),
    );
    expect(expiring).toHaveLength(1);
    expect(expiring[0][0]).toMatchObject({
      recipients: { type: 'entity', entityRef: 'group:default/team-a' },
      payload: {
        title: 'Waiver of "At least two replicas" expires in 2d 14h',
        severity: 'normal',
      },
    });
  });

  it("fails a component whose database's backup fails, within the same refresh, and re-evaluates it when the database is refreshed", async () => {
    let backupAgeHours = 96;
    const ledgerDb: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'ledger-db', namespace: 'default' },
      spec: { type: 'database', owner: 'group:default/team-a' },
      relations: [
        { type: 'dependencyOf', targetRef: 'component:default/ledger-api' },
      ],
    };
    const ledgerApi: Entity = {
      ...component('ledger-api'),
      spec: {
        ...component('ledger-api').spec,
        dependsOn: ['resource:ledger-db'],
      },
    };
    const backupAges = createFactCollector<number>({
      id: 'backups',
      title: 'Backups',
      collect: async () => ({
        facts: new Map([['resource:default/ledger-db', backupAgeHours]]),
      }),
    });
    const freshBackup = createReadinessCheck({
      id: 'backup.fresh',
      pillar: 'backup',
      title: 'Newest backup within RPO',
      description: 'Backups are recent.',
      severity: 'critical',
      appliesTo: { kind: ['Resource'] },
      remediation: 'Fix the backup job.',
      collectors: ['backups'],
      evaluate: ({ facts }) => {
        const hours = facts<number>('backups');
        if (hours === undefined) return checkResult.unknown('no backups');
        return hours <= 24
          ? checkResult.pass(`Newest backup ${hours}h old`)
          : checkResult.fail(`Newest backup ${hours}h old, RPO 24h`);
      },
    });
    const entities = [ledgerApi, ledgerDb];
    const { engine, store } = await setup({
      entities,
      collectors: [
        backupAges,
        createCatalogCollector({
          catalog: catalogServiceMock({ entities }),
          auth: mockServices.auth(),
        }),
      ],
      checks: [
        freshBackup,
        ...createCatalogChecks(
          catalogChecksOptions(readReadinessConfig(new ConfigReader({}))),
        ).filter(c => c.id === 'backup.dependencies-healthy'),
      ],
      config: {
        coverage: {
          rules: [
            {
              name: 'all',
              kind: ['Component', 'Resource'],
              pillars: ['backup'],
            },
          ],
        },
      },
    });
    await engine.refreshAll();
    expect(await store.getResults('component:default/ledger-api')).toEqual([
      expect.objectContaining({
        checkId: 'backup.dependencies-healthy',
        status: 'fail',
        summary:
          'resource:default/ledger-db: Newest backup within RPO is fail (Newest backup 96h old, RPO 24h)',
      }),
    ]);

    // The owner fixes the backup job and re-runs the database's checks: its dependent follows.
    backupAgeHours = 2;
    const summary = await engine.refreshEntity('resource:default/ledger-db');
    expect(summary.entities).toBe(2);
    expect(await store.getResults('component:default/ledger-api')).toEqual([
      expect.objectContaining({
        checkId: 'backup.dependencies-healthy',
        status: 'pass',
      }),
    ]);
  });

  it('refreshes one entity on demand and refuses unknown entities', async () => {
    const { collector, calls } = replicaCollector({ 'orders-api': 2 });
    const { engine, store } = await setup({
      entities: [component('orders-api'), component('payments-api')],
      collectors: [collector],
    });
    await engine.refreshEntity('component:default/orders-api');
    expect(calls).toEqual([
      [
        expect.objectContaining({
          metadata: expect.objectContaining({ name: 'orders-api' }),
        }),
      ],
    ]);
    expect(await store.getResults('component:default/payments-api')).toEqual(
      [],
    );
    await expect(
      engine.refreshEntity('component:default/nope'),
    ).rejects.toThrow('Entity component:default/nope is not in the catalog');
  });

  it('fails the checks reading evidence two entities claim, for both, including when one is refreshed alone', async () => {
    // Both entities select the workload `shop/orders` (by the label each declares).
    const { collector, calls } = replicaCollector(
      { 'orders-api': 3, 'orders-api-copy': 3, 'payments-api': 3 },
      {
        'orders-api': 'shop/orders',
        'orders-api-copy': 'shop/orders',
        'payments-api': 'shop/payments',
      },
    );
    const { engine, makeEngine, store } = await setup({
      entities: [component('orders-api'), component('payments-api')],
      collectors: [collector],
    });
    await engine.refreshAll();
    const replicasOf = async (name: string) =>
      (await store.getResults(`component:default/${name}`)).find(
        r => r.checkId === 'availability.replicas',
      );
    expect(await replicasOf('orders-api')).toMatchObject({ status: 'pass' });

    // The copy is registered and evaluated alone: it meets the original's stored claim.
    const withCopy = makeEngine([
      component('orders-api'),
      component('orders-api-copy'),
      component('payments-api'),
    ]);
    await withCopy.refreshEntity('component:default/orders-api-copy');
    // The copy was evaluated alone, then the original, whose evidence it now contests.
    expect(calls.slice(-2).map(c => c.map(e => e.metadata.name))).toEqual([
      ['orders-api-copy'],
      ['orders-api'],
    ]);
    expect(await replicasOf('orders-api-copy')).toMatchObject({
      status: 'fail',
      summary:
        'Evidence not bound to this entity: workload shop/orders (selected by app=orders-api-copy) is also claimed by component:default/orders-api',
      remediation: 'Annotate shop/orders with its entity ref.',
    });
    // Checks that read no contested evidence are unaffected.
    expect(
      (await store.getResults('component:default/orders-api-copy')).find(
        r => r.checkId === 'documentation.owner-set',
      ),
    ).toMatchObject({ status: 'pass' });

    expect(await replicasOf('orders-api')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        'is also claimed by component:default/orders-api-copy',
      ),
    });
    // Refreshed again with nothing changed, the copy re-evaluates nobody else.
    clock = new Date(clock.getTime() + 60_000);
    await withCopy.refreshEntity('component:default/orders-api-copy');
    expect(calls.at(-1)?.map(e => e.metadata.name)).toEqual([
      'orders-api-copy',
    ]);

    await withCopy.refreshAll();
    expect(await replicasOf('payments-api')).toMatchObject({ status: 'pass' });

    // The copy is deleted from the catalog: its claims go with it.
    await engine.refreshAll();
    expect(await replicasOf('orders-api')).toMatchObject({ status: 'pass' });
  });
});
