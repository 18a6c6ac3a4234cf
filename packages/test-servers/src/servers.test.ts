import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  startAlertmanager,
  startPrometheus,
  startS3,
  startVictoriaLogs,
  testDatabaseIds,
  TestPrometheus,
} from '.';

jest.setTimeout(60_000);

describe('TestDatabases through the shared global setup', () => {
  const databases = TestDatabases.create({ ids: testDatabaseIds() });

  it('covers a real PostgreSQL as well as SQLite', () => {
    expect(testDatabaseIds()).toEqual([
      'SQLITE_3',
      expect.stringMatching(/^POSTGRES_\d+$/),
    ]);
    for (const id of testDatabaseIds()) {
      expect(databases.supports(id)).toBe(true);
    }
  });

  it.each(databases.eachSupportedId())(
    'creates, writes and reads a table on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('probe', table => {
        table.string('id').primary();
        table.integer('value').notNullable();
      });
      await knex('probe').insert([
        { id: 'a', value: 1 },
        { id: 'b', value: 2 },
      ]);
      const rows = await knex('probe').sum({ total: 'value' });
      expect(Number(rows[0].total)).toBe(3);
    },
  );

  it('talks to a real PostgreSQL server', async () => {
    const knex = await databases.init(testDatabaseIds()[1]);
    const version = await knex.raw('show server_version');
    expect(version.rows[0].server_version).toMatch(/^\d+\./);
  });
});

describe('startPrometheus', () => {
  let prometheus: TestPrometheus;
  const rules = `groups:
  - name: probe
    rules:
      - record: probe:answer
        expr: vector(42)
      - alert: ProbeAlwaysFiring
        expr: vector(1)
        labels:
          severity: none
`;

  beforeAll(async () => {
    prometheus = await startPrometheus({ ruleFiles: { 'probe.yml': rules } });
  });
  afterAll(() => prometheus?.stop());

  it('loads the rule files and evaluates them', async () => {
    const response = await fetch(`${prometheus.baseUrl}/api/v1/rules`);
    const body = await response.json();
    expect(body.status).toBe('success');
    const group = body.data.groups.find((g: any) => g.name === 'probe');
    expect(group.rules.map((r: any) => r.name)).toEqual([
      'probe:answer',
      'ProbeAlwaysFiring',
    ]);
  });

  it('reloads rules after replaceRules', async () => {
    await prometheus.replaceRules({
      'probe.yml': rules.replace('probe:answer', 'probe:replaced'),
    });
    const body = await fetch(`${prometheus.baseUrl}/api/v1/rules`).then(r =>
      r.json(),
    );
    const names = body.data.groups.flatMap((g: any) =>
      g.rules.map((r: any) => r.name),
    );
    expect(names).toContain('probe:replaced');
    expect(names).not.toContain('probe:answer');
  });

  it('fails with the server output when the rules are invalid', async () => {
    await expect(
      startPrometheus({
        ruleFiles: {
          'broken.yml':
            'groups: [{name: x, rules: [{record: "a", expr: "sum("}]}]',
        },
      }),
    ).rejects.toThrow(
      /Prometheus exited with code \d+ before it was ready[\s\S]*broken\.yml/,
    );
  });
});

describe('startAlertmanager', () => {
  it('serves the configuration it was started with', async () => {
    const configYaml = `route:
  receiver: default
  routes:
    - receiver: team-payments
      matchers: ['team="payments"']
receivers:
  - name: default
  - name: team-payments
`;
    const alertmanager = await startAlertmanager({ configYaml });
    try {
      const status = await fetch(`${alertmanager.baseUrl}/api/v2/status`).then(
        r => r.json(),
      );
      expect(status.config.original).toContain('team-payments');
      expect(status.cluster.status).toBe('disabled');
    } finally {
      await alertmanager.stop();
    }
  });
});

describe('startS3', () => {
  it('stores and lists objects through the AWS SDK', async () => {
    const s3 = await startS3({ buckets: ['backups'] });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: s3.credentials,
      forcePathStyle: true,
    });
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: 'backups',
          Key: 'db/2026-11-22.dump',
          Body: 'pg_dump output',
        }),
      );
      const listing = await client.send(
        new ListObjectsV2Command({ Bucket: 'backups', Prefix: 'db/' }),
      );
      expect(listing.Contents?.map(o => [o.Key, o.Size])).toEqual([
        ['db/2026-11-22.dump', 14],
      ]);
      const object = await client.send(
        new GetObjectCommand({ Bucket: 'backups', Key: 'db/2026-11-22.dump' }),
      );
      expect(await object.Body?.transformToString()).toBe('pg_dump output');

      const unknownKey = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'x' },
        forcePathStyle: true,
      });
      await expect(
        unknownKey.send(new ListObjectsV2Command({ Bucket: 'backups' })),
      ).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
      unknownKey.destroy();
    } finally {
      client.destroy();
      await s3.stop();
    }
  });
});

describe('startVictoriaLogs', () => {
  it('takes JSON lines and answers grouped LogsQL stats, and shows its retention', async () => {
    const logs = await startVictoriaLogs({ retentionPeriod: '30d' });
    try {
      await logs.pushJsonLines(
        [
          { _msg: 'order placed', service: 'orders-api', trace_id: 't-1' },
          { _msg: 'order paid', service: 'orders-api', trace_id: 't-2' },
          { _msg: 'GET /healthz 200', service: 'orders-api' },
          { _msg: 'tick', service: 'worker' },
        ],
        ['service'],
      );
      const stats = async () => {
        const response = await fetch(
          `${logs.baseUrl}/select/logsql/stats_query`,
          {
            method: 'POST',
            body: new URLSearchParams({
              query:
                '_time:1h | stats by (service) count() as lines, count(trace_id) as traced',
            }),
          },
        );
        const body = await response.json();
        return Object.fromEntries(
          (
            body.data.result as Array<{
              metric: Record<string, string>;
              value: [number, string];
            }>
          ).map(r => [`${r.metric.service} ${r.metric.__name__}`, r.value[1]]),
        );
      };
      // Lines become searchable about a second after they are ingested.
      let counted: Record<string, string> = {};
      const deadline = Date.now() + 15_000;
      while (Object.keys(counted).length < 4 && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 250));
        counted = await stats();
      }
      expect(counted).toEqual({
        'orders-api lines': '3',
        'orders-api traced': '2',
        'worker lines': '1',
        'worker traced': '0',
      });
      const metrics = await (await fetch(`${logs.baseUrl}/metrics`)).text();
      expect(metrics).toContain(
        'flag{name="retentionPeriod", value="30d", is_set="true"} 1',
      );
    } finally {
      await logs.stop();
    }
  });
});
