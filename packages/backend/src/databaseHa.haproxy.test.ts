/*
 * A database's high availability as its clients see it, on real servers: a Patroni cluster
 * (etcd, a leader and a streaming replica), HAProxy in front of it routing to the leader
 * (`OPTIONS /primary`, as Patroni's documentation sets it up) and a real Prometheus scraping
 * HAProxy's own exporter. The database-ha module judges the members from Patroni's REST API;
 * the Prometheus module reads HAProxy's backend for the whole fleet in two queries.
 */
import { Entity } from '@backstage/catalog-model';
import {
  isHealthy,
  startHaproxy,
  startPatroniCluster,
  startPrometheus,
  TestHaproxy,
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

jest.setTimeout(240_000);

const BACKEND = 'orders-primary';

const ORDERS_DB: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'orders-db',
    namespace: 'default',
    annotations: {
      'production-readiness.io/patroni-cluster': 'orders',
      'production-readiness.io/haproxy-backend': BACKEND,
    },
  },
  spec: { type: 'database', owner: 'group:default/team-orders' },
};

/** A database whose HAProxy backend sends traffic to a member it never checks. */
const STOCK_DB: Entity = {
  ...ORDERS_DB,
  metadata: {
    name: 'stock-db',
    namespace: 'default',
    annotations: {
      'production-readiness.io/patroni-cluster': 'stock',
      'production-readiness.io/haproxy-backend': 'stock-primary',
    },
  },
};

describe('availability.data-store-ha with HAProxy in front, through a real Prometheus', () => {
  let patroni: TestPatroniCluster;
  let haproxy: TestHaproxy;
  let prometheus: TestPrometheus;
  let backend: ReadinessTestBackend;

  const haOf = async (entity: Entity): Promise<CheckResult> => {
    const report = await backend.refresh(
      `resource:default/${entity.metadata.name}`,
    );
    return report.results.find(
      r => r.checkId === 'availability.data-store-ha',
    )!;
  };

  /** Refreshes until the result matches (HAProxy checks every 500 ms, Prometheus scrapes every second). */
  const waitForHa = async (
    what: string,
    ready: (r: CheckResult) => boolean,
  ): Promise<CheckResult> => {
    let last: CheckResult | undefined;
    try {
      await waitFor(what, async () => {
        last = await haOf(ORDERS_DB);
        return ready(last);
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

  const roles = async () => {
    const status = await patroni.status();
    return {
      leader: status.members.find(m => m.role === 'leader')!.name,
      replica: status.members.find(m => m.role !== 'leader')!.name,
    };
  };

  beforeAll(async () => {
    patroni = await startPatroniCluster({ scope: 'orders' });
    haproxy = await startHaproxy({
      backends: [
        {
          name: BACKEND,
          checkPath: '/primary',
          servers: patroni.members.map(m => ({
            name: m.name,
            address: `127.0.0.1:${m.pgPort}`,
            checkPort: Number(new URL(m.restApiUrl).port),
          })),
        },
        {
          name: 'stock-primary',
          checkPath: '/primary',
          servers: patroni.members.slice(0, 1).map(m => ({
            name: m.name,
            address: `127.0.0.1:${m.pgPort}`,
            checkPort: Number(new URL(m.restApiUrl).port),
            check: false,
          })),
        },
      ],
    });
    prometheus = await startPrometheus({
      config: {
        scrape_configs: [
          {
            job_name: 'haproxy',
            scrape_interval: '1s',
            static_configs: [{ targets: [new URL(haproxy.baseUrl).host] }],
          },
        ],
      },
    });
    await prometheus.waitForEvaluation({ targets: 1, healthy: true });
    backend = await startReadinessTestBackend({
      features: [prometheusModule, databaseHaModule],
      entities: [ORDERS_DB, STOCK_DB],
      config: {
        refresh: { minInterval: { milliseconds: 1 } },
        prometheus: {
          instances: [{ name: 'main', baseUrl: prometheus.baseUrl }],
        },
        databaseHa: {
          patroni: [
            { name: 'orders', urls: patroni.members.map(m => m.restApiUrl) },
            // The same members under another name: only HAProxy's part differs.
            { name: 'stock', urls: patroni.members.map(m => m.restApiUrl) },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([prometheus?.stop(), haproxy?.stop()]);
    await patroni?.stop();
  });

  it('passes with the leader live behind HAProxy and the replica answering its role check as a standby', async () => {
    const { leader, replica } = await roles();
    const result = await waitForHa('HAProxy to see both members', r =>
      r.summary.includes('HAProxy backend'),
    );
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/^Patroni cluster orders: leader /);
    expect(result.summary).toContain(
      `HAProxy backend ${BACKEND}: ${[
        `${leader} UP (L7OK)`,
        `${replica} DOWN (L7STS)`,
      ]
        .sort()
        .join(', ')}`,
    );
    expect(result.evidence.map(e => e.source)).toEqual(
      expect.arrayContaining(['patroni:orders', 'prometheus:main']),
    );
  });

  it('fails a backend whose server HAProxy never health-checks', async () => {
    const result = await haOf(STOCK_DB);
    expect(result).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        /^HAProxy backend stock-primary on 127\.0\.0\.1:\d+: server member-1 is not health-checked, so traffic goes to it when it fails$/,
      ),
    });
  });

  it('fails while the replica is in maintenance in HAProxy although Patroni is healthy, and passes once it is back', async () => {
    const { replica } = await roles();
    await haproxy.command(`disable server ${BACKEND}/${replica}`);
    const failed = await waitForHa('HAProxy to report maintenance', r =>
      r.summary.includes('MAINT'),
    );
    expect(failed.status).toBe('fail');
    // Only the failing part is told: the members are fine.
    expect(failed.summary).toMatch(
      new RegExp(
        `^HAProxy backend ${BACKEND} on 127\\.0\\.0\\.1:\\d+: server ${replica} is MAINT`,
      ),
    );
    await haproxy.command(`enable server ${BACKEND}/${replica}`);
    await expect(
      waitForHa('the server back', r => r.status === 'pass'),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('fails when the replica stops: Patroni loses the member and HAProxy cannot reach it', async () => {
    const { replica } = await roles();
    const member = patroni.members.find(m => m.name === replica)!;
    await member.stop();
    const failed = await waitForHa(
      'HAProxy to find the replica unreachable',
      r => /L4CON|L4TOUT|SOCKERR/.test(r.summary),
    );
    expect(failed.status).toBe('fail');
    expect(failed.summary).toMatch(
      /^Patroni cluster orders is not highly available/,
    );
    expect(failed.summary).toMatch(
      new RegExp(`server ${replica} is DOWN \\(last health check L4CON\\)`),
    );
    await member.start();
    await patroni.waitForStatus('the replica to stream again', s =>
      isHealthy(s, 2),
    );
  });
});
