import { applyDumpManifest, dumpRecord, parseDumpPattern } from './dumps';

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

describe('the SHA-256 a manifest records', () => {
  it('is kept, lowercased, for the checksum check', () => {
    expect(
      applyDumpManifest(dump, manifest({ sha256: 'AB'.repeat(32) }), 'm.json'),
    ).toMatchObject({ declaredSha256: 'ab'.repeat(32), status: 'succeeded' });
  });

  it('makes the manifest unreadable when it is not 64 hexadecimal digits', () => {
    expect(() =>
      applyDumpManifest(dump, manifest({ sha256: 'md5:1234' }), 'm.json'),
    ).toThrow('m.json: sha256 is not 64 hexadecimal digits');
  });
});

describe('parseDumpPattern', () => {
  const matches = (pattern: string, key: string) => {
    const parsed = parseDumpPattern(pattern);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.pattern.match(key);
  };

  it('matches keys relative to the prefix, folders included', () => {
    expect(matches('*/db.sql.gz', '2026-12-05/db.sql.gz')).toBe(true);
    expect(matches('*/db.sql.gz', '2026-12-05/db.sql.gz.sha256')).toBe(false);
    expect(matches('**/*.dump', 'daily/2026/12/orders.dump')).toBe(true);
    expect(matches('orders-*.dump', '.orders-1.dump')).toBe(false);
    expect(matches('*.dump', '.hidden.dump')).toBe(true);
  });

  it.each([
    ['x'.repeat(201), 'is longer than 200 characters'],
    ['daily/\u0000*.dump', 'contains control characters'],
    ['/abs/*.dump', 'must be relative to the backup prefix'],
    ['#comment', 'must name the dumps, not exclude them'],
  ])('refuses %p: %s', (pattern, error) => {
    expect(parseDumpPattern(pattern)).toEqual({
      ok: false,
      error: expect.stringContaining(error),
    });
  });

  it('does not expand braces, so a range cannot blow up into patterns', () => {
    expect(matches('{1..99999}.dump', '5.dump')).toBe(false);
    expect(matches('{1..99999}.dump', '{1..99999}.dump')).toBe(true);
  });
});
