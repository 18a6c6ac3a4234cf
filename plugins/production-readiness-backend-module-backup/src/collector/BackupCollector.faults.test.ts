import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { createServer, Socket } from 'node:net';
import { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import {
  freePort,
  putObjects,
  s3Client,
  startS3,
  TestS3,
} from '@internal/test-servers';
import { createBackupChecks } from '../checks/backupChecks';
import { readBackupModuleSettings } from '../config';
import {
  CountingProxy,
  startCountingProxy,
} from '../__testUtils__/countingProxy';
import { database, evaluateFleet, s3Location } from '../__testUtils__/evaluate';
import { BackupCollector } from './BackupCollector';

jest.setTimeout(120_000);

const PLAN = [
  'what: payments dumps',
  'method: full',
  'schedule: "0 2 * * *"',
  'rpo: 26h',
  'rto: 1h',
  'retentionCount: 2',
  'procedure: restore the newest dump with pg_restore',
].join('\n');

function dumpDb(name: string, location: string, prefix?: string): Entity {
  return database(name, {
    [ANNOTATIONS.backupLocation]: location,
    ...(prefix !== undefined ? { [ANNOTATIONS.backupPrefix]: prefix } : {}),
    [ANNOTATIONS.backupTool]: 'dump',
    [ANNOTATIONS.backupPlan]: PLAN,
  });
}

describe('backup collector faults against a real S3-protocol server', () => {
  let s3: TestS3;
  let proxy: CountingProxy;

  const location = (name: string, overrides: JsonObject = {}): JsonObject => ({
    ...s3Location(name, s3, 'huge', proxy.baseUrl),
    ...overrides,
  });

  const run = async (locations: JsonObject[], entities: Entity[]) => {
    const settings = readBackupModuleSettings(
      new ConfigReader({
        productionReadiness: {
          backup: { locations, requestTimeout: { seconds: 5 } },
        },
      }),
    );
    return evaluateFleet({
      collector: BackupCollector.create({ locations: settings.locations }),
      checks: createBackupChecks(settings.checks),
      entities,
    });
  };

  beforeAll(async () => {
    s3 = await startS3({ buckets: ['huge', 'empty'] });
    proxy = await startCountingProxy(s3.endpoint);
    const objects: Record<string, string> = {};
    for (let i = 0; i < 2500; i++) {
      objects[`noise/${String(i).padStart(5, '0')}.bin`] = 'x';
    }
    await putObjects(s3Client(s3), 'huge', objects);
    // Two dumps after the noise, so they are on the last page of the listing.
    await putObjects(s3Client(s3), 'huge', {
      'payments/2026-11-20.dump': Buffer.alloc(2048, 1),
      'payments/2026-11-21.dump': Buffer.alloc(2100, 1),
      'secret/outside.dump': Buffer.alloc(10, 1),
    });
  });

  afterAll(async () => {
    await proxy?.stop();
    await s3?.stop();
  });

  it('paginates a listing of more than 1000 keys with continuation tokens', async () => {
    proxy.reset();
    const results = await run(
      [location('main')],
      [dumpDb('payments-db', 'main', 'payments')],
    );
    const payments = results.get('resource:default/payments-db')!;
    expect(payments['backup.location-reachable']).toMatchObject({
      status: 'pass',
      summary: 'Location main listed: 2 objects under prefix "payments/"',
    });
    expect(payments['backup.fresh']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'Newest successful backup 2026-11-21.dump (full)',
      ),
    });
    expect(payments['backup.size-sane']).toMatchObject({
      status: 'pass',
      summary:
        'Newest backup 2026-11-21.dump is 2.1 KiB, median of the 1 earlier full backups 2.0 KiB',
    });
    const pages = proxy.requests.filter(r => r.includes('list-type=2'));
    expect(pages).toHaveLength(3);
    expect(pages.filter(p => p.includes('continuation-token='))).toHaveLength(
      2,
    );
  });

  it('refuses a listing larger than maxListedObjects with a clear error', async () => {
    const settings = readBackupModuleSettings(
      new ConfigReader({
        productionReadiness: {
          backup: { locations: [location('main')], maxListedObjects: 1500 },
        },
      }),
    );
    const results = await evaluateFleet({
      collector: BackupCollector.create({ locations: settings.locations }),
      checks: createBackupChecks(settings.checks),
      entities: [dumpDb('payments-db', 'main', 'payments')],
    });
    expect(
      results.get('resource:default/payments-db')!['backup.fresh'],
    ).toMatchObject({
      status: 'error',
      summary: expect.stringContaining(
        'more than 1500 objects under prefix ""',
      ),
    });
  });

  it('fails reachability, and errors the other checks, when the bucket does not exist', async () => {
    const results = await run(
      [location('gone', { bucket: 'no-such-bucket' })],
      [dumpDb('payments-db', 'gone', 'payments')],
    );
    const payments = results.get('resource:default/payments-db')!;
    expect(payments['backup.location-reachable']).toMatchObject({
      status: 'fail',
      summary: `location "gone" (s3 bucket "no-such-bucket" at ${proxy.baseUrl}): ListObjectsV2 of prefix "" failed: the bucket does not exist (NoSuchBucket)`,
    });
    expect(payments['backup.fresh']).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('NoSuchBucket'),
    });
    expect(payments['backup.restore-tested'].status).toBe('error');
  });

  it('fails reachability with wrong credentials and never reveals the secret', async () => {
    const results = await run(
      [
        location('main', {
          credentials: {
            accessKeyId: 'WRONGKEY',
            secretAccessKey: 'very-secret-value',
          },
        }),
      ],
      [dumpDb('payments-db', 'main', 'payments')],
    );
    const payments = results.get('resource:default/payments-db')!;
    expect(payments['backup.location-reachable']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        'the configured credentials were refused (InvalidAccessKeyId, HTTP 403)',
      ),
    });
    expect(JSON.stringify(payments)).not.toContain('very-secret-value');
    expect(payments['backup.size-sane'].status).toBe('error');
  });

  it('reports error, never fail or pass, when the storage is down', async () => {
    const closedPort = await freePort();
    const results = await run(
      [
        location('down', {
          endpoint: `http://127.0.0.1:${closedPort}`,
          maxAttempts: 1,
        }),
      ],
      [dumpDb('payments-db', 'down', 'payments')],
    );
    const statuses = Object.values(
      results.get('resource:default/payments-db')!,
    ).map(r => r.status);
    expect(new Set(statuses)).toEqual(new Set(['error']));
    expect(
      results.get('resource:default/payments-db')!['backup.location-reachable']
        .summary,
    ).toMatch(/ECONNREFUSED/);
  });

  it('reports error when the storage does not answer in time', async () => {
    // A server that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent = createServer(socket => sockets.push(socket));
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const settings = readBackupModuleSettings(
        new ConfigReader({
          productionReadiness: {
            backup: {
              locations: [
                location('slow', {
                  endpoint: `http://127.0.0.1:${port}`,
                  maxAttempts: 1,
                }),
              ],
              requestTimeout: { milliseconds: 500 },
            },
          },
        }),
      );
      const results = await evaluateFleet({
        collector: BackupCollector.create({ locations: settings.locations }),
        checks: createBackupChecks(settings.checks),
        entities: [dumpDb('payments-db', 'slow', 'payments')],
      });
      expect(
        results.get('resource:default/payments-db')![
          'backup.location-reachable'
        ],
      ).toMatchObject({
        status: 'error',
        summary: expect.stringContaining('no answer within 500 ms'),
      });
    } finally {
      sockets.forEach(s => s.destroy());
      silent.close();
    }
  });

  it.each([
    ['../secret', 'contains ".." and would leave the configured location'],
    [
      'payments/../../secret',
      'contains ".." and would leave the configured location',
    ],
    ['/etc', 'must be a relative prefix inside the configured location'],
    ['payments\\..\\secret', 'contains a backslash'],
    [
      's3://other-bucket/x',
      'must be a relative prefix inside the configured location',
    ],
    ['payments/%2e%2e/secret', 'contains percent-encoded dots or slashes'],
    ['pay\nments', 'contains control characters'],
  ])(
    'refuses the prefix %j without listing anything outside it',
    async (prefix, why) => {
      proxy.reset();
      const results = await run(
        [location('main')],
        [dumpDb('sneaky-db', 'main', prefix)],
      );
      const sneaky = results.get('resource:default/sneaky-db')!;
      expect(sneaky['backup.location-reachable']).toMatchObject({
        status: 'fail',
        summary: expect.stringContaining(
          `annotation ${ANNOTATIONS.backupPrefix} is invalid: ${why}`,
        ),
      });
      expect(sneaky['backup.fresh'].status).toBe('unknown');
      expect(JSON.stringify(sneaky)).not.toContain('outside.dump');
      expect(proxy.requests).toEqual([]);
    },
  );

  it('reports unknown naming the configured locations when the annotation names another', async () => {
    const results = await run(
      [location('main')],
      [dumpDb('other-db', 'http://evil.example.com', 'x')],
    );
    expect(
      results.get('resource:default/other-db')!['backup.fresh'],
    ).toMatchObject({
      status: 'unknown',
      summary: `annotation ${ANNOTATIONS.backupLocation} names location "http://evil.example.com", which is not configured in productionReadiness.backup.locations (configured: main)`,
    });
  });
});
