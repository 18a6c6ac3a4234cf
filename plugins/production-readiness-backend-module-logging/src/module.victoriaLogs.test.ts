import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  freePort,
  startCountingProxy,
  startVictoriaLogs,
  TestVictoriaLogs,
} from '@internal/test-servers';
import { evaluateCheck } from '@production-readiness/plugin-production-readiness-node';
import { LogStoreCollector } from './collector/LogStoreCollector';
import { readLoggingSettings } from './config';
import { createLoggingChecks } from './module';

jest.setTimeout(120_000);

function service(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

/** Values that would change a query if they were interpolated instead of quoted. */
const HOSTILE = [
  'foo") | delete _msg #',
  'foo"} or vector(1) #',
  '*',
  '.*',
  'a|b',
  '\\"',
  'x\\',
  "it's",
  'two words',
  'ünïcødé ☃ 😀',
];

describe('the logging module on a real VictoriaLogs', () => {
  let logs: TestVictoriaLogs;
  let shortLogs: TestVictoriaLogs;
  let boundedLogs: TestVictoriaLogs;
  let refused: string;

  const now = () => new Date();

  function settingsFor(overrides: Record<string, unknown> = {}) {
    return readLoggingSettings(
      new ConfigReader({
        productionReadiness: {
          logging: {
            stores: [
              { name: 'main', type: 'victorialogs', url: logs.baseUrl },
              { name: 'short', type: 'victorialogs', url: shortLogs.baseUrl },
              { name: 'down', type: 'victorialogs', url: refused },
              {
                name: 'bounded',
                type: 'victorialogs',
                url: boundedLogs.baseUrl,
              },
            ],
            defaultStore: 'main',
            defaultRetention: '14d',
            ...overrides,
          },
        },
      }),
    );
  }

  /** Collects once for the fleet and evaluates every check for every entity, as the engine does. */
  async function judge(entities: Entity[], overrides = {}) {
    const settings = settingsFor(overrides);
    const collector = new LogStoreCollector(settings);
    const collected = await collector.collect(entities, {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(30_000),
      now: now(),
    });
    const results = new Map<
      string,
      Record<string, { status: string; summary: string }>
    >();
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      const byCheck: Record<string, { status: string; summary: string }> = {};
      for (const check of createLoggingChecks(settings)) {
        const result = await evaluateCheck({
          check,
          entity,
          entityRef,
          now: now(),
          outcomes: new Map([
            [collector.id, { ok: true, title: collector.title, collected }],
          ]),
        });
        byCheck[check.id] = { status: result.status, summary: result.summary };
      }
      results.set(entity.metadata.name, byCheck);
    }
    return results;
  }

  beforeAll(async () => {
    [logs, shortLogs, boundedLogs] = await Promise.all([
      startVictoriaLogs({ retentionPeriod: '30d' }),
      startVictoriaLogs({ retentionPeriod: '2d' }),
      startVictoriaLogs({
        retentionPeriod: '1y',
        flags: ['-retention.maxDiskSpaceUsageBytes=1GiB'],
      }),
    ]);
    refused = `http://127.0.0.1:${await freePort()}`;
    const traced = (i: number) => ({
      _msg: `order ${i} placed`,
      service: 'orders-api',
      level: 'info',
      trace_id: `t-${i}`,
    });
    await logs.pushJsonLines(
      [
        ...Array.from({ length: 8 }, (_, i) => traced(i)),
        // Startup lines without a request: structured, but no trace id.
        { _msg: 'listening on :8080', service: 'orders-api', level: 'info' },
        {
          _msg: 'connected to orders-db',
          service: 'orders-api',
          level: 'info',
        },
        // A shipper that did not parse the JSON a service wrote.
        ...Array.from({ length: 4 }, (_, i) => ({
          _msg: JSON.stringify({
            level: 'info',
            msg: `tick ${i}`,
            trace_id: `u-${i}`,
          }),
          service: 'raw-json',
        })),
        ...Array.from({ length: 5 }, (_, i) => ({
          _msg: `INFO ${i} plain text written by printf`,
          service: 'legacy-batch',
        })),
        ...HOSTILE.map(value => ({
          _msg: 'hostile',
          service: value,
          level: 'info',
        })),
      ],
      ['service'],
    );
    await shortLogs.pushJsonLines(
      [{ _msg: 'x', service: 'archive', level: 'info', trace_id: 'a' }],
      ['service'],
    );
  });

  afterAll(async () => {
    await Promise.all([logs?.stop(), shortLogs?.stop(), boundedLogs?.stop()]);
  });

  it('passes a service with recent structured, traced logs and a store that keeps them long enough', async () => {
    const results = await judge([service('orders-api')]);
    expect(results.get('orders-api')).toEqual({
      'logging.logs-in-store': {
        status: 'pass',
        summary:
          '10 log lines of service="orders-api" in victorialogs store main in the last 1h',
      },
      'logging.retention-covered': {
        status: 'pass',
        summary:
          'Log store main keeps logs 30d (-retentionPeriod=30d), covering the 14d declared',
      },
      'logging.structured': {
        status: 'pass',
        summary:
          '100% of 10 lines of service="orders-api" in victorialogs store main are structured (needed: 90%)',
      },
      'logging.trace-ids': {
        status: 'pass',
        summary:
          '80% of 10 lines of service="orders-api" in victorialogs store main carry a trace id (needed: 50%)',
      },
    });
  });

  it('fails a silent service, and cannot judge its structure', async () => {
    const results = await judge([service('silent-api')]);
    expect(results.get('silent-api')).toMatchObject({
      'logging.logs-in-store': {
        status: 'fail',
        summary:
          'No log line of service="silent-api" in victorialogs store main in the last 1h: the logs of this service reach no store',
      },
      'logging.structured': { status: 'unknown' },
      'logging.trace-ids': { status: 'unknown' },
    });
  });

  it('fails plain-text logs on structure, and counts JSON messages a shipper left unparsed', async () => {
    const results = await judge([service('legacy-batch'), service('raw-json')]);
    expect(results.get('legacy-batch')).toMatchObject({
      'logging.logs-in-store': { status: 'pass' },
      'logging.structured': {
        status: 'fail',
        summary:
          '0% of 5 lines of service="legacy-batch" in victorialogs store main are structured (needed: 90%)',
      },
      'logging.trace-ids': { status: 'fail' },
    });
    expect(results.get('raw-json')).toMatchObject({
      'logging.structured': { status: 'pass' },
      'logging.trace-ids': {
        status: 'pass',
        summary: expect.stringMatching(/^100% of 4 lines/),
      },
    });
  });

  it('fails a store whose retention is shorter than declared, and a missing declaration', async () => {
    const results = await judge(
      [
        service('archive', {
          'production-readiness.io/log-store': 'short',
          'production-readiness.io/log-retention': '90d',
        }),
        service('orders-api', {
          'production-readiness.io/log-retention': 'soon',
        }),
      ],
      { defaultRetention: undefined },
    );
    expect(results.get('archive')!['logging.retention-covered']).toEqual({
      status: 'fail',
      summary:
        'Log store short keeps logs 2d (-retentionPeriod=2d), shorter than the 90d declared',
    });
    expect(results.get('orders-api')!['logging.retention-covered']).toEqual({
      status: 'fail',
      summary:
        'Log retention cannot be read: annotation production-readiness.io/log-retention is "soon", which is not a duration such as 30d',
    });
    const undeclared = await judge([service('orders-api')], {
      defaultRetention: undefined,
    });
    expect(undeclared.get('orders-api')!['logging.retention-covered']).toEqual({
      status: 'fail',
      summary:
        'No log retention declared: nothing says how long the logs of this entity must be kept',
    });
  });

  it('warns when disk-space retention may cut the declared retention short', async () => {
    const results = await judge([
      service('orders-api', { 'production-readiness.io/log-store': 'bounded' }),
    ]);
    expect(results.get('orders-api')!['logging.retention-covered']).toEqual({
      status: 'warn',
      summary:
        'Log store bounded keeps logs 365d (-retentionPeriod=1y), covering the 14d declared, but may drop them sooner: -retention.maxDiskSpaceUsageBytes=1GiB drops the oldest days when the disk use exceeds it',
    });
  });

  it('gives error for the entities of a store that is down, and only for them', async () => {
    const results = await judge([
      service('orders-api'),
      service('lost', { 'production-readiness.io/log-store': 'down' }),
    ]);
    expect(results.get('orders-api')!['logging.logs-in-store'].status).toBe(
      'pass',
    );
    for (const result of Object.values(results.get('lost')!)) {
      expect(result.status).toBe('error');
      expect(result.summary).toContain(
        `victorialogs store "down" (${refused}/select/logsql/stats_query) did not answer`,
      );
    }
  });

  it('fails an entity whose store is unknown, naming the stores', async () => {
    const results = await judge([
      service('orders-api', {
        'production-readiness.io/log-store': 'elsewhere',
      }),
    ]);
    expect(results.get('orders-api')!['logging.logs-in-store']).toEqual({
      status: 'fail',
      summary:
        'Annotation production-readiness.io/log-store names log store "elsewhere", which productionReadiness.logging.stores does not list (main, short, down, bounded)',
    });
  });

  it('matches hostile service values as literals, each finding exactly its own line', async () => {
    const entities = HOSTILE.map((value, i) =>
      service(`hostile-${i}`, { 'production-readiness.io/log-service': value }),
    );
    const invalid = [
      service('lone-surrogate', {
        'production-readiness.io/log-service': 'a\ud800b',
      }),
      service('replacement', {
        'production-readiness.io/log-service': 'bad\ufffd',
      }),
      service('control', { 'production-readiness.io/log-service': 'a\nb' }),
    ];
    const results = await judge([...entities, ...invalid]);
    HOSTILE.forEach((value, i) => {
      expect(results.get(`hostile-${i}`)!['logging.logs-in-store']).toEqual({
        status: 'pass',
        summary: `1 log line of service=${JSON.stringify(
          value,
        )} in victorialogs store main in the last 1h`,
      });
    });
    // A value no store can take fails its own entity, never the batch.
    expect(
      results.get('lone-surrogate')!['logging.logs-in-store'].summary,
    ).toBe(
      'The log service value from production-readiness.io/log-service is not valid Unicode (a lone surrogate): "a\\ud800b"',
    );
    expect(results.get('replacement')!['logging.logs-in-store'].status).toBe(
      'fail',
    );
    expect(results.get('control')!['logging.logs-in-store'].summary).toContain(
      'contains control characters',
    );
  });

  it('sends one query per store per refresh, for 1 entity as for 500', async () => {
    // Counts exactly the calls the module made (VictoriaLogs caches its own /metrics).
    const proxy = await startCountingProxy(logs.baseUrl);
    try {
      const fleet = Array.from({ length: 500 }, (_, i) =>
        service(i === 0 ? 'orders-api' : `service-${i}`),
      );
      const through = {
        stores: [{ name: 'main', type: 'victorialogs', url: proxy.url }],
      };
      const one = await judge([service('orders-api')], through);
      const afterOne = new Map(proxy.counts);
      const many = await judge(fleet, through);
      expect(Object.fromEntries(afterOne)).toEqual({
        '/select/logsql/stats_query': 1,
        '/metrics': 1,
      });
      expect(Object.fromEntries(proxy.counts)).toEqual({
        '/select/logsql/stats_query': 2,
        '/metrics': 2,
      });
      expect(many.get('orders-api')).toEqual(one.get('orders-api'));
      expect(many.get('service-499')!['logging.logs-in-store'].status).toBe(
        'fail',
      );
    } finally {
      await proxy.close();
    }
  });
});
