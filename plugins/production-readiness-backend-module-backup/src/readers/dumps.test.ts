import { applyDumpManifest, dumpRecord } from './dumps';

const dump = dumpRecord({
  key: 'pg/orders/20261205T020000Z.dump',
  relativeKey: '20261205T020000Z.dump',
  size: 4096,
  lastModified: new Date('2026-12-05T02:00:09Z'),
});
const manifest = (fields: object) =>
  JSON.stringify({
    status: 'succeeded',
    type: 'full',
    startedAt: '2026-12-05T02:00:00Z',
    finishedAt: '2026-12-05T02:00:08Z',
    ...fields,
  });

describe('applyDumpManifest', () => {
  it('takes the times and size from the manifest the job wrote after the dump', () => {
    expect(
      applyDumpManifest(dump, manifest({ sizeBytes: 4096 }), 'm.json'),
    ).toMatchObject({
      status: 'succeeded',
      finishedAt: '2026-12-05T02:00:08.000Z',
      declaredStoredBytes: 4096,
      storedBytes: 4096,
    });
  });

  it('fails a dump whose object is not the size its manifest declares (truncated or replaced)', () => {
    expect(
      applyDumpManifest(dump, manifest({ sizeBytes: 9000 }), 'm.json'),
    ).toMatchObject({
      status: 'failed',
      problem:
        'the object holds 4096 bytes, its manifest declares 9000: truncated or replaced after the backup',
    });
  });

  it('fails a dump whose manifest says it failed, with the error', () => {
    expect(
      applyDumpManifest(
        dump,
        manifest({ status: 'failed', error: 'pg_dump: connection refused' }),
        'm.json',
      ),
    ).toMatchObject({
      status: 'failed',
      problem: 'manifest says failed: pg_dump: connection refused',
    });
  });
});
