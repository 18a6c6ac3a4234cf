/*
 * A database's high availability on a real HA stack, all from Debian packages on loopback:
 * two Patroni clusters (etcd, a leader and a streaming replica, PostgreSQL 15), a
 * postgres_exporter on every server, HAProxy in front routing to the leader (`OPTIONS
 * /primary`, as Patroni's documentation sets it up), and a real Prometheus scraping the
 * exporters and HAProxy's own endpoint. The database-ha module judges the members from
 * Patroni's REST API and from PostgreSQL's own view (postgres_exporter, read by the Prometheus
 * module in two queries for the fleet), and the HAProxy backend (two more queries).
 *
 * orders-db names its Patroni cluster; stock-db names none, so its evidence is PostgreSQL's
 * own view alone; cold-db has no evidence at all.
 */
import { Entity } from '@backstage/catalog-model';
import {
  isHealthy,
  startHaproxy,
  startPatroniCluster,
  startPostgresExporter,
  startPrometheus,
  TestHaproxy,
  TestHttpServer,
  TestPatroniCluster,
  TestPrometheus,
  waitFor,
} from '@internal/test-servers';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import databaseHaModule from '@production-readiness/plugin-production-readiness-backend-module-database-ha';
import prometheusModule from '@production-readiness/plugin-production-readiness-backend-module-prometheus';
import { CheckResult } from '@production-readiness/plugin-production-readiness-common';

jest.setTimeout(300_000);

function database(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'database', owner: 'group:default/team-orders' },
  };
}

const ORDERS_DB = database('orders-db', {
  'production-readiness.io/patroni-cluster': 'orders',
  'production-readiness.io/haproxy-backend': 'orders-primary',
});
const STOCK_DB = database('stock-db', {
  'production-readiness.io/haproxy-backend': 'stock-primary',
});
/** A production service depends on it (so coverage requires availability); nothing shows its members. */
const COLD_DB = database('cold-db', {});
const REPORTS_API: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'reports-api', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team-orders',
    dependsOn: ['resource:default/cold-db', 'resource:default/stock-db'],
  },
  relations: [
    { type: 'dependsOn', targetRef: 'resource:default/cold-db' },
    { type: 'dependsOn', targetRef: 'resource:default/stock-db' },
  ],
};
for (const dependency of [COLD_DB, STOCK_DB]) {
  dependency.relations = [
    { type: 'dependencyOf', targetRef: 'component:default/reports-api' },
  ];
}

describe('availability.data-store-ha on a real HA stack (Patroni, postgres_exporter, HAProxy, Prometheus)', () => {
  const clusters: Record<string, TestPatroniCluster> = {};
  const exporters: TestHttpServer[] = [];
  let haproxy: TestHaproxy;
  let prometheus: TestPrometheus;
  let backend: ReadinessTestBackend;

  const haOf = async (entity: Entity): Promise<CheckResult | undefined> => {
    const report = await backend.refresh(
      `resource:default/${entity.metadata.name}`,
    );
    return report.results.find(r => r.checkId === 'availability.data-store-ha');
  };

  /** Refreshes until the result matches (HAProxy checks every 500 ms, Prometheus scrapes every second). */
  const waitForHa = async (
    entity: Entity,
    what: string,
    ready: (r: CheckResult) => boolean,
  ): Promise<CheckResult> => {
    let last: CheckResult | undefined;
    try {
      await waitFor(what, async () => {
        last = await haOf(entity);
        return last !== undefined && ready(last);
      });
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; last result: ${last?.status} ${
          last?.summary
        }`,
      );
    }
    return last!;
  };

  const roles = async (cluster: TestPatroniCluster) => {
    const status = await cluster.status();
    return {
      leader: status.members.find(m => m.role === 'leader')!.name,
      replica: status.members.find(m => m.role !== 'leader')!.name,
    };
  };

  beforeAll(async () => {
    const started = Date.now();
    const [orders, stock] = await Promise.all([
      startPatroniCluster({ scope: 'orders' }),
      startPatroniCluster({ scope: 'stock' }),
    ]);
    clusters.orders = orders;
    clusters.stock = stock;
    const scrapeConfigs: object[] = [];
    for (const [entity, cluster] of [
      ['orders-db', orders],
      ['stock-db', stock],
    ] as const) {
      const started2 = await Promise.all(
        cluster.members.map(m =>
          startPostgresExporter({
            dataSourceName: `postgresql://postgres:postgres@127.0.0.1:${m.pgPort}/postgres?sslmode=disable`,
          }),
        ),
      );
      exporters.push(...started2);
      // The job is the service label the Prometheus module matches (serviceLabel: job).
      scrapeConfigs.push({
        job_name: entity,
        scrape_interval: '1s',
        static_configs: [
          { targets: started2.map(e => new URL(e.baseUrl).host) },
        ],
      });
    }
    haproxy = await startHaproxy({
      backends: (['orders', 'stock'] as const).map(scope => ({
        name: `${scope}-primary`,
        checkPath: '/primary',
        servers: clusters[scope].members.map(m => ({
          name: m.name,
          address: `127.0.0.1:${m.pgPort}`,
          checkPort: Number(new URL(m.restApiUrl).port),
        })),
      })),
    });
    scrapeConfigs.push({
      job_name: 'haproxy',
      scrape_interval: '1s',
      static_configs: [{ targets: [new URL(haproxy.baseUrl).host] }],
    });
    prometheus = await startPrometheus({
      config: { scrape_configs: scrapeConfigs },
    });
    await prometheus.waitForEvaluation({ targets: 5, healthy: true });
    // Measured: the whole stack (2 x etcd + 2 Patroni members, 4 exporters, HAProxy,
    // Prometheus with every target scraped) is up in about 10 s on two cores.
    // eslint-disable-next-line no-console
    console.log(`HA stack up in ${Date.now() - started} ms`);
    backend = await startReadinessTestBackend({
      features: [prometheusModule, databaseHaModule],
      entities: [ORDERS_DB, STOCK_DB, COLD_DB, REPORTS_API],
      config: {
        refresh: { minInterval: { milliseconds: 1 } },
        prometheus: {
          instances: [{ name: 'main', baseUrl: prometheus.baseUrl }],
        },
        databaseHa: {
          patroni: [
            { name: 'orders', urls: orders.members.map(m => m.restApiUrl) },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([
      prometheus?.stop(),
      haproxy?.stop(),
      ...exporters.map(e => e.stop()),
    ]);
    await Promise.all(Object.values(clusters).map(c => c.stop()));
  });

  it('passes the healthy cluster on every source: Patroni, PostgreSQL itself and HAProxy', async () => {
    const { leader, replica } = await roles(clusters.orders);
    const result = await waitForHa(
      ORDERS_DB,
      'every source to report orders-db',
      r =>
        r.summary.includes('HAProxy backend') &&
        r.summary.includes('streaming from'),
    );
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(
      new RegExp(
        [
          `^Patroni cluster orders: leader ${leader} \\(timeline \\d+\\), 1 replica streaming \\(${replica} 0 B behind\\); 2 members needed \\(a leader and a replica\\)`,
          `PostgreSQL \\(postgres_exporter, job="orders-db"\\): ${replica} streaming from 127\\.0\\.0\\.1:\\d+, \\d+ B behind; 2 servers needed \\(a leader and a replica\\)`,
          `HAProxy backend orders-primary: ${[
            `${leader} UP \\(L7OK\\)`,
            `${replica} DOWN \\(L7STS\\)`,
          ]
            .sort()
            .join(', ')}$`,
        ].join('; '),
      ),
    );
    expect(new Set(result.evidence.map(e => e.source))).toEqual(
      new Set(['patroni:orders', 'prometheus:main']),
    );
  });

  it("passes a database without Patroni on PostgreSQL's own view of its replication", async () => {
    const { replica } = await roles(clusters.stock);
    const result = await waitForHa(STOCK_DB, 'stock-db seen', r =>
      r.summary.includes('HAProxy backend'),
    );
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(
      new RegExp(
        `^PostgreSQL \\(postgres_exporter, job="stock-db"\\): ${replica} streaming from 127\\.0\\.0\\.1:\\d+, \\d+ B behind; 2 servers needed`,
      ),
    );
  });

  it('fails a database a production service depends on when nothing shows its members, naming what to declare', async () => {
    const result = await haOf(COLD_DB);
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'No high-availability evidence declared for this database Resource: nothing shows it survives losing an instance (no Patroni cluster named; no postgres_exporter series with job="cold-db" on prometheus:main)',
      remediation: expect.stringContaining(
        'production-readiness.io/patroni-cluster',
      ),
    });
  });

  it('fails while the replica is in maintenance in HAProxy although its members are healthy, and passes once it is back', async () => {
    const { replica } = await roles(clusters.orders);
    await haproxy.command(`disable server orders-primary/${replica}`);
    const failed = await waitForHa(
      ORDERS_DB,
      'HAProxy to report maintenance',
      r => r.summary.includes('MAINT'),
    );
    expect(failed.status).toBe('fail');
    // Only the failing part is told: the members are fine.
    expect(failed.summary).toMatch(
      new RegExp(
        `^HAProxy backend orders-primary on 127\\.0\\.0\\.1:\\d+: server ${replica} is MAINT$`,
      ),
    );
    await haproxy.command(`enable server orders-primary/${replica}`);
    await expect(
      waitForHa(ORDERS_DB, 'the server back', r => r.status === 'pass'),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('fails on every source when the replica stops, naming it, and passes again after it rejoins', async () => {
    const { replica } = await roles(clusters.orders);
    const member = clusters.orders.members.find(m => m.name === replica)!;
    await member.stop();
    const failed = await waitForHa(
      ORDERS_DB,
      'every source to lose the replica',
      r =>
        r.summary.includes('L4CON') &&
        r.summary.includes('PostgreSQL (postgres_exporter'),
    );
    expect(failed.status).toBe('fail');
    expect(failed.summary).toMatch(
      /^Patroni cluster orders is not highly available: /,
    );
    expect(failed.summary).toMatch(
      /PostgreSQL \(postgres_exporter, job="orders-db"\) is not highly available: .*no server reports a streaming standby/,
    );
    expect(failed.summary).toContain(
      `server ${replica} is DOWN (last health check L4CON)`,
    );
    await member.start();
    await clusters.orders.waitForStatus('the replica to stream again', s =>
      isHealthy(s, 2),
    );
    await expect(
      waitForHa(ORDERS_DB, 'orders-db healthy again', r => r.status === 'pass'),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('passes after a switchover with the new leader on every source', async () => {
    const { leader, replica } = await roles(clusters.orders);
    await clusters.orders.switchover(replica);
    await clusters.orders.waitForStatus(
      `${replica} to lead`,
      s =>
        s.members.find(m => m.name === replica)?.role === 'leader' &&
        isHealthy(s, 2),
    );
    // HAProxy follows the leader by its /primary check; the new leader's exporter reports the
    // old one streaming from it.
    const passed = await waitForHa(
      ORDERS_DB,
      'every source to show the new leader',
      r =>
        r.status === 'pass' &&
        r.summary.includes(`${replica} UP (L7OK)`) &&
        r.summary.includes(`${leader} streaming from`),
    );
    expect(passed.summary).toMatch(
      new RegExp(
        `^Patroni cluster orders: leader ${replica} \\(timeline \\d+\\)`,
      ),
    );
    expect(passed.summary).toContain(`${leader} DOWN (L7STS)`);
  });
});
