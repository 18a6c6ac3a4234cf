import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  freePort,
  isHealthy,
  startPatroniCluster,
  TestPatroniCluster,
} from '@internal/test-servers';
import {
  DEFAULT_STATEFUL_TYPES,
  evaluateCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { createDataStoreHaCheck } from './checks/dataStoreHa';
import { PatroniCollector } from './collector/PatroniCollector';
import { readDatabaseHaSettings } from './config';

jest.setTimeout(240_000);

function database(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'orders-db', namespace: 'default', annotations },
    spec: { type: 'database', owner: 'team-orders' },
  };
}

const ORDERS_DB = database({
  'production-readiness.io/patroni-cluster': 'orders',
});

describe('availability.data-store-ha on a real Patroni cluster', () => {
  let cluster: TestPatroniCluster;
  let refused: string;

  /** Collects and evaluates the way the engine does, with the module's real collector. */
  async function judge(entity: Entity, urls?: string[]) {
    const settings = readDatabaseHaSettings(
      new ConfigReader({
        productionReadiness: {
          databaseHa: {
            patroni: [
              {
                name: 'orders',
                urls: urls ?? cluster.members.map(m => m.restApiUrl),
              },
            ],
          },
        },
      }),
    );
    const collector = new PatroniCollector(settings);
    const collected = await collector.collect([entity], {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(30_000),
      now: new Date(),
    });
    return evaluateCheck({
      check: createDataStoreHaCheck({
        statefulTypes: DEFAULT_STATEFUL_TYPES,
        maxReplicationLagBytes: settings.maxReplicationLagBytes,
      }),
      entity,
      entityRef: stringifyEntityRef(entity),
      now: new Date(),
      outcomes: new Map([
        [collector.id, { ok: true, title: collector.title, collected }],
      ]),
    });
  }

  beforeAll(async () => {
    cluster = await startPatroniCluster({ scope: 'orders' });
    refused = `http://127.0.0.1:${await freePort()}`;
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('passes the healthy cluster, naming its leader and the streaming replica', async () => {
    const status = await cluster.status();
    const leader = status.members.find(m => m.role === 'leader')!.name;
    const replica = status.members.find(m => m.role !== 'leader')!.name;
    const result = await judge(ORDERS_DB);
    expect(result).toMatchObject({ status: 'pass' });
    expect(result.summary).toMatch(
      new RegExp(
        `^Patroni cluster orders: leader ${leader} \\(timeline \\d+\\), 1 replica streaming \\(${replica} 0 B behind\\); 2 members needed \\(a leader and a replica\\)$`,
      ),
    );
    expect(result.evidence!.map(e => e.label).sort()).toEqual(
      [`member ${leader}`, `member ${replica}`].sort(),
    );
  });

  it('asks for the declared number of members', async () => {
    const result = await judge(
      database({
        'production-readiness.io/patroni-cluster': 'orders',
        'production-readiness.io/high-availability': '3',
      }),
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Patroni cluster orders is not highly available: 2 of the 3 members needed (production-readiness.io/high-availability=3) are in the cluster',
    });
  });

  it('reads the next member when the first does not answer, and says error when none does', async () => {
    await expect(
      judge(ORDERS_DB, [refused, cluster.members[0].restApiUrl]),
    ).resolves.toMatchObject({ status: 'pass' });
    const result = await judge(ORDERS_DB, [refused]);
    expect(result.status).toBe('error');
    expect(result.summary).toContain(
      `Patroni: no member of Patroni cluster "orders" answered GET /cluster: ${refused}/cluster:`,
    );
  });

  it('fails once the replica stops, naming it, and passes again after a switchover with the new leader', async () => {
    const before = await cluster.status();
    const replicaName = before.members.find(m => m.role !== 'leader')!.name;
    const replica = cluster.members.find(m => m.name === replicaName)!;
    await replica.stop();
    await cluster.waitForStatus(
      `${replicaName} to stop replicating`,
      s =>
        !s.members.some(
          m =>
            m.name === replicaName &&
            (m.state === 'streaming' || m.state === 'running'),
        ),
    );
    const failed = await judge(ORDERS_DB);
    expect(failed.status).toBe('fail');
    expect(failed.summary).toMatch(
      new RegExp(
        `^Patroni cluster orders is not highly available: (replica ${replicaName} is \\w+|1 of the 2 members needed \\(a leader and a replica\\) are in the cluster)`,
      ),
    );

    await replica.start();
    await cluster.waitForStatus('the replica to stream again', s =>
      isHealthy(s, 2),
    );
    await cluster.switchover(replicaName);
    await cluster.waitForStatus(
      `${replicaName} to lead`,
      s =>
        s.members.find(m => m.name === replicaName)?.role === 'leader' &&
        isHealthy(s, 2),
    );
    const passed = await judge(ORDERS_DB);
    expect(passed.status).toBe('pass');
    expect(passed.summary).toContain(`leader ${replicaName}`);
    expect(
      passed.evidence!.find(e => e.label === `member ${replicaName}`)!.value,
    ).toMatchObject({ role: 'leader', state: 'running' });
  });

  it('claims the members by address, so two names for one cluster contest the same evidence', async () => {
    const settings = readDatabaseHaSettings(
      new ConfigReader({
        productionReadiness: {
          databaseHa: {
            patroni: ['orders', 'orders-again'].map(name => ({
              name,
              urls: cluster.members.map(m => m.restApiUrl),
            })),
          },
        },
      }),
    );
    const copy: Entity = {
      ...database({
        'production-readiness.io/patroni-cluster': 'orders-again',
      }),
      metadata: {
        name: 'orders-db-copy',
        namespace: 'default',
        annotations: {
          'production-readiness.io/patroni-cluster': 'orders-again',
        },
      },
    };
    const collected = await new PatroniCollector(settings).collect(
      [ORDERS_DB, copy],
      {
        logger: mockServices.logger.mock(),
        signal: AbortSignal.timeout(30_000),
        now: new Date(),
      },
    );
    const ids = (ref: string) =>
      collected
        .claims!.get(ref)!
        .map(c => `${c.kind} ${c.id}`)
        .sort();
    expect(ids('resource:default/orders-db')).toEqual(
      cluster.members.map(m => `patroni-member 127.0.0.1:${m.pgPort}`).sort(),
    );
    expect(ids('resource:default/orders-db-copy')).toEqual(
      ids('resource:default/orders-db'),
    );
  });

  it('says which annotation value names no configured cluster', async () => {
    await expect(
      judge(database({ 'production-readiness.io/patroni-cluster': 'ordres' })),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'annotation production-readiness.io/patroni-cluster names Patroni cluster "ordres", which productionReadiness.databaseHa.patroni does not list (orders)',
    });
  });
});
