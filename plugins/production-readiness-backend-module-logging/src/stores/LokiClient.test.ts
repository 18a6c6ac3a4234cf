/**
 * STAND-IN: Grafana Loki is AGPL and must not be built or run here, so these tests serve
 * answers recorded in the shape of Loki's documented HTTP API (`/loki/api/v1/query` instant
 * vectors, `/config` and `/runtime_config` YAML) from a local HTTP server, and assert the
 * requests the client sends. The VictoriaLogs client is tested against the real server.
 */
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { readLoggingSettings } from '../config';
import { LokiClient, lokiStatsQueries } from './LokiClient';

interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form?: URLSearchParams;
}

const CONFIG_YAML = `
auth_enabled: true
compactor:
  working_directory: /loki/compactor
  compaction_interval: 10m
  retention_enabled: true
  retention_delete_delay: 2h
limits_config:
  ingestion_rate_mb: 4
  retention_period: 744h
  max_query_series: 500
`;

const RUNTIME_YAML = `
overrides:
  shop:
    retention_period: 2160h
    ingestion_rate_mb: 10
  audit:
    retention_period: 8760h
    retention_stream:
      - selector: '{namespace="dev"}'
        priority: 1
        period: 24h
`;

function vector(name: string, values: Record<string, number>) {
  return JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: Object.entries(values).map(([service, value]) => ({
        metric: { service_name: service },
        value: [1796547091.197, String(value)],
      })),
      stats: { summary: { queueTime: 0.0001, execTime: 0.003 } },
    },
    name,
  });
}

async function startLokiStandIn(answers: {
  config?: string;
  runtime?: string;
  query?: (query: string) => { status: number; body: string };
}) {
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const path = (req.url ?? '').split('?')[0];
    requests.push({
      method: req.method ?? '',
      path,
      headers: req.headers,
      ...(body ? { form: new URLSearchParams(body) } : {}),
    });
    if (path === '/config') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(answers.config ?? CONFIG_YAML);
    } else if (path === '/runtime_config') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(answers.runtime ?? RUNTIME_YAML);
    } else if (path === '/loki/api/v1/query') {
      const answer = answers.query!(new URLSearchParams(body).get('query')!);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    } else {
      res.writeHead(404).end('404 page not found');
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

function lokiStore(url: string, extra: Record<string, unknown> = {}) {
  const settings = readLoggingSettings(
    new ConfigReader({
      productionReadiness: {
        logging: {
          stores: [
            {
              name: 'seeds',
              type: 'loki',
              url,
              tenant: 'shop',
              username: 'reader',
              password: 's3cret',
              ...extra,
            },
          ],
        },
      },
    }),
  );
  return new LokiClient(settings.stores.get('seeds')!, {
    lookbackMs: 3_600_000,
    timeoutMs: 5_000,
  });
}

describe('LokiClient (against recorded answers of the Loki HTTP API)', () => {
  it('sends three grouped LogQL queries for all services, with the tenant and credentials', async () => {
    const loki = await startLokiStandIn({
      query: query => {
        if (query.includes('trace_id!=""')) {
          return { status: 200, body: vector('traced', { 'orders-api': 60 }) };
        }
        if (query.includes('| json')) {
          return {
            status: 200,
            body: vector('structured', {
              'orders-api': 100,
              'legacy.batch': 0,
            }),
          };
        }
        return {
          status: 200,
          body: vector('lines', { 'orders-api': 100, 'legacy.batch': 7 }),
        };
      },
    });
    try {
      const stats = await lokiStore(loki.url).readServiceStats(
        ['orders-api', 'legacy.batch', 'orders-api', 'a"}|b'],
        AbortSignal.timeout(5_000),
      );
      expect(Object.fromEntries(stats)).toEqual({
        'orders-api': { lines: 100, structured: 100, traced: 60 },
        'legacy.batch': { lines: 7, structured: 0, traced: 0 },
      });
      const queries = loki.requests.map(r => r.form?.get('query')).sort();
      const selector =
        '{service_name=~"a\\"\\\\}\\\\|b|legacy\\\\.batch|orders-api"}';
      expect(queries).toEqual(
        [
          `sum by (service_name) (count_over_time(${selector} [3600s]))`,
          `sum by (service_name) (count_over_time(${selector} | json | __error__="" [3600s]))`,
          `sum by (service_name) (count_over_time(${selector} | json | __error__="" | trace_id!="" [3600s]))`,
        ].sort(),
      );
      for (const request of loki.requests) {
        expect(request).toMatchObject({
          method: 'POST',
          path: '/loki/api/v1/query',
          headers: expect.objectContaining({
            'x-scope-orgid': 'shop',
            authorization: `Basic ${Buffer.from('reader:s3cret').toString(
              'base64',
            )}`,
            'content-type': 'application/x-www-form-urlencoded',
          }),
        });
      }
    } finally {
      await loki.close();
    }
  });

  it('escapes a service value so the selector matches exactly it (RE2 semantics, anchored)', () => {
    const queries = lokiStatsQueries(
      { serviceField: 'service_name', traceIdField: 'trace_id' },
      ['.*', 'a|b', 'x\\', 'foo"} or vector(1) #'],
      3_600_000,
    );
    const literal = /\{service_name=~("(?:[^"\\]|\\.)*")\}/.exec(
      queries.lines,
    )![1];
    const pattern = JSON.parse(literal) as string;
    const re = new RegExp(`^(?:${pattern})$`);
    for (const value of ['.*', 'a|b', 'x\\', 'foo"} or vector(1) #']) {
      expect(re.test(value)).toBe(true);
    }
    for (const value of ['anything', 'a', 'b', 'x', 'foo']) {
      expect(re.test(value)).toBe(false);
    }
  });

  it("reads the tenant's retention override, and the default when it has none", async () => {
    const loki = await startLokiStandIn({});
    try {
      await expect(
        lokiStore(loki.url).readRetention(AbortSignal.timeout(5_000)),
      ).resolves.toEqual({
        ms: 90 * 86_400_000,
        source: 'runtime_config overrides.shop.retention_period=2160h',
        notes: [],
      });
      await expect(
        lokiStore(loki.url, { tenant: 'other' }).readRetention(
          AbortSignal.timeout(5_000),
        ),
      ).resolves.toEqual({
        ms: 31 * 86_400_000,
        source: 'limits_config.retention_period=744h',
        notes: [],
      });
      expect(loki.requests.map(r => `${r.method} ${r.path}`).sort()).toEqual([
        'GET /config',
        'GET /config',
        'GET /runtime_config',
        'GET /runtime_config',
      ]);
    } finally {
      await loki.close();
    }
  });

  it('counts stream rules with their shortest period, and retention disabled as keeping forever', async () => {
    const loki = await startLokiStandIn({
      config: CONFIG_YAML.replace(
        'retention_enabled: true',
        'retention_enabled: false',
      ),
    });
    try {
      await expect(
        lokiStore(loki.url, { tenant: 'audit' }).readRetention(
          AbortSignal.timeout(5_000),
        ),
      ).resolves.toEqual({
        source: 'compactor.retention_enabled is false',
        notes: [
          'Loki deletes nothing by age; logs stay until the object store removes them (its lifecycle rules are not visible here)',
        ],
      });
    } finally {
      await loki.close();
    }
    const enabled = await startLokiStandIn({});
    try {
      await expect(
        lokiStore(enabled.url, { tenant: 'audit' }).readRetention(
          AbortSignal.timeout(5_000),
        ),
      ).resolves.toEqual({
        ms: 86_400_000,
        source:
          'runtime_config overrides.audit.retention_period=8760h, shortest retention_stream 24h',
        notes: [
          'retention_stream {namespace="dev"} keeps matching streams 24h',
        ],
      });
    } finally {
      await enabled.close();
    }
  });

  it('says what a garbage or failing answer was', async () => {
    const loki = await startLokiStandIn({
      query: query =>
        query.includes('| json')
          ? { status: 200, body: '<html>login</html>' }
          : {
              status: 400,
              body: 'parse error at line 1, col 18: syntax error: unexpected IDENTIFIER',
            },
    });
    try {
      await expect(
        lokiStore(loki.url).readServiceStats(['a'], AbortSignal.timeout(5_000)),
      ).rejects.toThrow(
        new RegExp(
          `^(loki store "seeds" \\(${loki.url}/loki/api/v1/query\\) answered 400: parse error|Loki store "seeds" \\(/loki/api/v1/query\\) answered something that is not JSON)`,
        ),
      );
    } finally {
      await loki.close();
    }
  });
});
