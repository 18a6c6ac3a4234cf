import { normalizePrefix } from './prefix';

describe('normalizePrefix', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['pg/orders', 'pg/orders/'],
    ['pg//orders/./', 'pg/orders/'],
    ['  pg/orders/  ', 'pg/orders/'],
  ])('normalises %j to %j', (value, prefix) => {
    expect(normalizePrefix('a', value)).toEqual({ ok: true, prefix });
  });

  it.each([
    '..',
    'a/../..',
    '/abs',
    'C:/x',
    'a\\b',
    'a/%2E%2E/b',
    'a\u0000b',
    'x'.repeat(513),
  ])('refuses %j', value => {
    expect(normalizePrefix('a', value)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^annotation a is invalid: /),
    });
  });
});
