import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { startPrometheus, TestPrometheus } from '@internal/test-servers';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { readPrometheusModuleConfig } from '../config';
import { startExporter, startProxy } from '../__testUtils__/harness';
import { HaproxyBackendsCollector } from './HaproxyBackendsCollector';

jest.setTimeout(120_000);

const SERVER_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'];
const CHECK_RESULTS = ['L4OK', 'L4TOUT', 'L4CON', 'L7OK', 'L7STS', 'L7TOUT'];

/**
 * What HAProxy 2.6's exporter serves for one backend: one series per state and per check
 * result, 1 for the current one; no check series for a server without `check`.
 */
function haproxyMetrics(
  proxy: string,
  servers: Array<{ name: string; state: string; check?: string }>,
): string {
  const lines = [
    '# HELP haproxy_server_status Current status of the service, per state label value.',
    '# TYPE haproxy_server_status gauge',
  ];
  for (const s of servers) {
    for (const state of SERVER_STATES) {
      lines.push(
        `haproxy_server_status{proxy="${proxy}",server="${
          s.name
        }",state="${state}"} ${state === s.state ? 1 : 0}`,
      );
    }
  }
  lines.push(
    '# HELP haproxy_server_check_status Status of last health check, per state label value.',
    '# TYPE haproxy_server_check_status gauge',
  );
  for (const s of servers.filter(x => x.check)) {
    for (const check of CHECK_RESULTS) {
      lines.push(
        `haproxy_server_check_status{proxy="${proxy}",server="${
          s.name
        }",state="${check}"} ${check === s.check ? 1 : 0}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function database(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'database', owner: 'team-orders' },
  };
}

describe('HaproxyBackendsCollector against a real Prometheus', () => {
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let prometheus: TestPrometheus;
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  beforeAll(async () => {
    // Two HAProxies in front of the same databases, as a pair behind a virtual IP.
    exporter = await startExporter({
      'haproxy-a': haproxyMetrics('orders-primary', [
        { name: 'pg-1', state: 'UP', check: 'L7OK' },
        { name: 'pg-2', state: 'DOWN', check: 'L7STS' },
      ]),
      'haproxy-b': [
        haproxyMetrics('orders-primary', [
          { name: 'pg-1', state: 'UP', check: 'L7OK' },
          { name: 'pg-2', state: 'DOWN', check: 'L4CON' },
        ]),
        haproxyMetrics('stock-primary', [{ name: 'st-1', state: 'UP' }])
          .split('\n')
          .filter(l => !l.startsWith('#'))
          .join('\n'),
      ].join(''),
    });
    prometheus = await startPrometheus({
      config: {
        scrape_configs: ['haproxy-a', 'haproxy-b'].map(name => ({
          job_name: name,
          scrape_interval: '1s',
          metrics_path: `/metrics/${name}`,
          static_configs: [
            { targets: [exporter.hostPort], labels: { instance: name } },
          ],
        })),
      },
    });
    await prometheus.waitForEvaluation({ targets: 2, healthy: true });
    proxy = await startProxy(prometheus.baseUrl);
  });

  afterAll(async () => {
    await proxy?.stop();
    await prometheus?.stop();
    await exporter?.stop();
  });

  const collect = (entities: Entity[]) =>
    HaproxyBackendsCollector.create({
      config: readPrometheusModuleConfig(
        new ConfigReader({
          productionReadiness: {
            prometheus: {
              instances: [{ name: 'main', baseUrl: proxy.baseUrl }],
            },
          },
        }),
      ),
    }).collect(entities, {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(30_000),
      now: new Date(),
    });

  it('reads every backend of the fleet in two queries, whatever the number of entities', async () => {
    const fleet = Array.from({ length: 40 }, (_, i) =>
      database(`db-${i}`, {
        [ANNOTATIONS.haproxyBackend]: i === 0 ? 'orders-primary' : `other-${i}`,
      }),
    );
    proxy.reset();
    const collected = await collect(fleet);
    expect(Object.fromEntries(proxy.counts)).toEqual({
      'POST /api/v1/query': 2,
    });
    expect(collected.errors!.size).toBe(0);
    expect(collected.facts.get('resource:default/db-0')).toEqual({
      declared: 'orders-primary',
      backends: [
        {
          backend: 'orders-primary',
          instance: 'haproxy-a',
          source: 'prometheus:main',
          servers: [
            { name: 'pg-1', state: 'UP', check: 'L7OK' },
            { name: 'pg-2', state: 'DOWN', check: 'L7STS' },
          ],
        },
        {
          backend: 'orders-primary',
          instance: 'haproxy-b',
          source: 'prometheus:main',
          servers: [
            { name: 'pg-1', state: 'UP', check: 'L7OK' },
            { name: 'pg-2', state: 'DOWN', check: 'L4CON' },
          ],
        },
      ].sort((a, b) => a.instance.localeCompare(b.instance)),
    });
    expect(collected.facts.get('resource:default/db-7')).toEqual({
      declared: 'other-7',
      backends: [],
    });
    expect(
      collected.claims!.get('resource:default/db-0')!.map(c => c.id),
    ).toEqual(
      expect.arrayContaining([
        'main/haproxy-a/orders-primary',
        'main/haproxy-b/orders-primary',
      ]),
    );
  });

  it('reports a server without health check without a check result', async () => {
    const collected = await collect([
      database('stock-db', { [ANNOTATIONS.haproxyBackend]: 'stock-primary' }),
    ]);
    expect(collected.facts.get('resource:default/stock-db')!.backends).toEqual([
      {
        backend: 'stock-primary',
        instance: 'haproxy-b',
        source: 'prometheus:main',
        servers: [{ name: 'st-1', state: 'UP' }],
      },
    ]);
  });

  it('never puts an annotation value into a query, and says which value is wrong', async () => {
    proxy.reset();
    const collected = await collect([
      database('evil-db', {
        [ANNOTATIONS.haproxyBackend]: 'orders"} or vector(1) #',
      }),
      database('lost-db', {
        [ANNOTATIONS.haproxyBackend]: 'orders-primary',
        [ANNOTATIONS.prometheusInstance]: 'nowhere',
      }),
    ]);
    expect(proxy.total()).toBe(0);
    expect(collected.errors!.get('resource:default/evil-db')).toBe(
      'annotation production-readiness.io/haproxy-backend is "orders"} or vector(1) #", which is not an HAProxy backend name (letters, digits, "_", ".", ":" and "-")',
    );
    expect(collected.errors!.get('resource:default/lost-db')).toMatch(
      /^Annotation production-readiness\.io\/prometheus-instance names "nowhere", which is not a declared Prometheus instance/,
    );
  });

  it('gives every entity of an instance the error when Prometheus answers garbage', async () => {
    proxy.setMode('garbage');
    try {
      const collected = await collect([
        database('orders-db', {
          [ANNOTATIONS.haproxyBackend]: 'orders-primary',
        }),
      ]);
      expect(collected.facts.size).toBe(0);
      expect(collected.errors!.get('resource:default/orders-db')).toContain(
        'POST /api/v1/query',
      );
    } finally {
      proxy.setMode('forward');
    }
  });
});
