import { ConfigReader } from '@backstage/config';
import { createHash } from 'node:crypto';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { putObjects, s3Client, startS3, TestS3 } from '@internal/test-servers';
import { createBackupChecks } from '../checks/backupChecks';
import { DumpChecksumSettings, readBackupModuleSettings } from '../config';
import {
  CountingProxy,
  startCountingProxy,
} from '../__testUtils__/countingProxy';
import { database, evaluateFleet, s3Location } from '../__testUtils__/evaluate';
import { BackupCollector } from './BackupCollector';

jest.setTimeout(120_000);

const NOW = new Date('2026-12-06T09:00:00Z');
const sha256 = (content: Buffer) =>
  createHash('sha256').update(content).digest('hex');

/** A nightly dump of `bytes` bytes and the manifest its job wrote, `daysAgo` days before NOW. */
function nightly(daysAgo: number, bytes: number, fill: number) {
  const finished = new Date(NOW.getTime() - daysAgo * 86_400_000);
  const name = `${finished.toISOString().slice(0, 10)}.dump`;
  const content = Buffer.alloc(bytes, fill);
  return {
    name,
    content,
    manifest: JSON.stringify({
      status: 'succeeded',
      type: 'full',
      startedAt: new Date(finished.getTime() - 60_000).toISOString(),
      finishedAt: finished.toISOString(),
      sizeBytes: bytes,
      sha256: sha256(content),
    }),
  };
}

const entity = database('ledger-db', {
  [ANNOTATIONS.backupLocation]: 'main',
  [ANNOTATIONS.backupPrefix]: 'ledger',
  [ANNOTATIONS.backupTool]: 'dump',
  [ANNOTATIONS.backupPlan]: [
    'what: ledger dumps',
    'method: full',
    'schedule: "0 2 * * *"',
    'rpo: 3d',
    'rto: 1h',
    'retentionCount: 3',
    'procedure: pg_restore the newest dump',
  ].join('\n'),
});

describe('dump checksums against a real S3-protocol server', () => {
  let s3: TestS3;
  let proxy: CountingProxy;
  const dumps = [
    nightly(3, 40_000, 1),
    nightly(2, 41_000, 2),
    nightly(1, 41_500, 3),
  ];

  const collector = (checksums?: Partial<DumpChecksumSettings>) => {
    const settings = readBackupModuleSettings(
      new ConfigReader({
        productionReadiness: {
          backup: {
            locations: [s3Location('main', s3, 'backups', proxy.baseUrl)],
          },
        },
      }),
    );
    return {
      collector: BackupCollector.create({
        locations: settings.locations,
        dumpChecksums: { ...settings.dumpChecksums, ...checksums },
      }),
      checks: createBackupChecks(settings.checks),
    };
  };

  const evaluate = async (instance: ReturnType<typeof collector>) =>
    (await evaluateFleet({ ...instance, entities: [entity], now: NOW })).get(
      'resource:default/ledger-db',
    )!;

  /** Dump objects read in full (not manifests, not listings). */
  const dumpReads = () =>
    proxy.requests
      .map(r => r.split('?')[0])
      .filter(r => /^GET \/backups\/ledger\/.*\.dump$/.test(r));

  beforeAll(async () => {
    s3 = await startS3({ buckets: ['backups'] });
    proxy = await startCountingProxy(s3.endpoint);
    await putObjects(
      s3Client(s3),
      'backups',
      Object.fromEntries(
        dumps.flatMap(d => [
          [`ledger/${d.name}`, d.content],
          [`ledger/${d.name}.manifest.json`, d.manifest],
        ]),
      ),
    );
  });

  afterAll(async () => {
    await proxy?.stop();
    await s3?.stop();
  });

  it('checks the newest dump once against its manifest, and reads it no more while it is unchanged', async () => {
    const instance = collector();
    proxy.reset();
    const first = await evaluate(instance);
    expect(first['backup.errors'].status).toBe('pass');
    expect(first['backup.errors'].evidence![0].value).toMatchObject({
      id: dumps[2].name,
      checksum: 'SHA-256 matches the manifest',
    });
    expect(dumpReads()).toEqual([`GET /backups/ledger/${dumps[2].name}`]);

    proxy.reset();
    await evaluate(instance);
    expect(dumpReads()).toEqual([]);
  });

  it('fails a dump whose content was replaced after its manifest, although its size is the same, and falls back to the previous one', async () => {
    const instance = collector();
    await evaluate(instance);
    // Corrupted in the bucket: same size, other bytes.
    await putObjects(s3Client(s3), 'backups', {
      [`ledger/${dumps[2].name}`]: Buffer.alloc(dumps[2].content.length, 9),
    });
    try {
      proxy.reset();
      const results = await evaluate(instance);
      expect(results['backup.errors']).toMatchObject({
        status: 'fail',
        summary: expect.stringContaining(
          `Newest backup ${dumps[2].name} failed`,
        ),
      });
      expect(results['backup.errors'].summary).toContain(
        `its content's SHA-256 is ${sha256(
          Buffer.alloc(dumps[2].content.length, 9),
        )}, its manifest recorded ${sha256(
          dumps[2].content,
        )}: corrupted or replaced after the backup`,
      );
      // The previous dump is checked in the same refresh and carries the recovery point.
      expect(results['backup.fresh']).toMatchObject({
        status: 'pass',
        summary: expect.stringContaining(
          `Newest successful backup ${dumps[1].name}`,
        ),
      });
      expect(dumpReads().sort()).toEqual(
        [
          `GET /backups/ledger/${dumps[1].name}`,
          `GET /backups/ledger/${dumps[2].name}`,
        ].sort(),
      );
    } finally {
      await putObjects(s3Client(s3), 'backups', {
        [`ledger/${dumps[2].name}`]: dumps[2].content,
      });
    }
  });

  it('reads no more than the bytes per refresh allow, and says the dump waits', async () => {
    proxy.reset();
    const results = await evaluate(collector({ bytesPerRefresh: 10_000 }));
    expect(dumpReads()).toEqual([]);
    expect(results['backup.errors'].status).toBe('pass');
    expect(results['backup.errors'].evidence![0].value).toMatchObject({
      checksum: `not checked yet: its ${dumps[2].content.length} bytes wait for a later refresh (backup.dumpChecksums)`,
    });
  });
});
