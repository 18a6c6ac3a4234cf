import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { startPrometheus, TestPrometheus } from '@internal/test-servers';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { readPrometheusModuleConfig } from '../config';
import { startExporter, startProxy } from '../__testUtils__/harness';
import { PostgresReplicationCollector } from './PostgresReplicationCollector';

jest.setTimeout(120_000);

/** What postgres_exporter 0.11 serves for a primary with one streaming standby. */
const PRIMARY = `# TYPE pg_up gauge
pg_up 1
# HELP pg_stat_replication_pg_wal_lsn_diff Lag in bytes between master and slave
# TYPE pg_stat_replication_pg_wal_lsn_diff gauge
pg_stat_replication_pg_wal_lsn_diff{application_name="pg-2",client_addr="10.0.0.2",server="10.0.0.1:5432",slot_name="14228",state="streaming"} 4096
`;
const STANDBY = `# TYPE pg_up gauge
pg_up 1
`;
const DOWN = `# TYPE pg_up gauge
pg_up 0
`;

function database(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'database', owner: 'team-orders' },
  };
}

describe('PostgresReplicationCollector against a real Prometheus', () => {
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let prometheus: TestPrometheus;
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  beforeAll(async () => {
    exporter = await startExporter({
      'orders-1': PRIMARY,
      'orders-2': STANDBY,
      'billing-1': DOWN,
    });
    const target = (path: string, labels: Record<string, string>) => ({
      job_name: path,
      scrape_interval: '1s',
      metrics_path: `/metrics/${path}`,
      static_configs: [
        { targets: [exporter.hostPort], labels: { instance: path, ...labels } },
      ],
    });
    prometheus = await startPrometheus({
      config: {
        scrape_configs: [
          // orders-db's servers, found by the service label.
          target('orders-1', { service: 'orders-db' }),
          target('orders-2', { service: 'orders-db' }),
          // A server whose target names its entity: it counts for that entity alone, even
          // though its service label says orders-db.
          target('billing-1', {
            service: 'orders-db',
            backstage_entity: 'resource:default/billing-db',
          }),
        ],
      },
    });
    await prometheus.waitForEvaluation({ targets: 3, healthy: true });
    proxy = await startProxy(prometheus.baseUrl);
  });

  afterAll(async () => {
    await proxy?.stop();
    await prometheus?.stop();
    await exporter?.stop();
  });

  const collect = (entities: Entity[], instances: object[] = []) =>
    PostgresReplicationCollector.create({
      config: readPrometheusModuleConfig(
        new ConfigReader({
          productionReadiness: {
            prometheus: {
              serviceLabel: 'service',
              defaultInstance: 'main',
              instances: [
                { name: 'main', baseUrl: proxy.baseUrl },
                ...instances,
              ],
            },
          },
        }),
      ),
    }).collect(entities, {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(30_000),
      now: new Date(),
    });

  it('reads the servers and standbys of the whole fleet in two queries, bound by service label or named entity', async () => {
    proxy.reset();
    const collected = await collect([
      database('orders-db'),
      database('billing-db'),
      ...Array.from({ length: 30 }, (_, i) => database(`db-${i}`)),
    ]);
    expect(Object.fromEntries(proxy.counts)).toEqual({
      'POST /api/v1/query': 2,
    });
    expect(collected.facts.get('resource:default/orders-db')).toEqual({
      source: 'prometheus:main',
      selector: 'service="orders-db"',
      servers: [
        { instance: 'orders-1', up: true },
        { instance: 'orders-2', up: true },
      ],
      standbys: [
        { from: 'orders-1', name: 'pg-2', state: 'streaming', lagBytes: 4096 },
      ],
    });
    expect(collected.facts.get('resource:default/billing-db')).toEqual({
      source: 'prometheus:main',
      selector: 'backstage_entity="resource:default/billing-db"',
      servers: [{ instance: 'billing-1', up: false }],
      standbys: [],
    });
    expect(collected.facts.get('resource:default/db-3')).toMatchObject({
      servers: [],
      standbys: [],
    });
    expect(collected.claims!.get('resource:default/billing-db')).toMatchObject([
      {
        kind: 'postgres-exporter-target',
        id: 'main/billing-1',
        namedEntity: 'resource:default/billing-db',
      },
    ]);
  });

  it('says why it could not look, without an error, for an entity naming an unknown instance', async () => {
    proxy.reset();
    const collected = await collect([
      database('orders-db', { [ANNOTATIONS.prometheusInstance]: 'nowhere' }),
    ]);
    expect(proxy.total()).toBe(0);
    expect(collected.errors!.size).toBe(0);
    expect(
      collected.facts.get('resource:default/orders-db')!.unavailable,
    ).toMatch(/names "nowhere", which is not a declared Prometheus instance/);
  });

  it('gives the entities of an instance an error when Prometheus does not answer', async () => {
    proxy.setMode('down');
    try {
      const collected = await collect([database('orders-db')]);
      expect(collected.errors!.get('resource:default/orders-db')).toContain(
        'POST /api/v1/query',
      );
    } finally {
      proxy.setMode('forward');
    }
  });
});
