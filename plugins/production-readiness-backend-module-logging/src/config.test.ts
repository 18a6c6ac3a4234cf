import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readLoggingSettings } from './config';

function read(logging: JsonObject) {
  return readLoggingSettings(
    new ConfigReader({ productionReadiness: { logging } }),
  );
}

describe('readLoggingSettings', () => {
  it('fills the documented defaults per store type', () => {
    const settings = read({
      stores: [
        { name: 'main', type: 'victorialogs', url: 'http://vl:9428/' },
        { name: 'seeds', type: 'loki', url: 'https://loki:3100', token: 't' },
      ],
      defaultStore: 'main',
      defaultRetention: '30d',
    });
    expect(settings.stores.get('main')).toEqual({
      name: 'main',
      type: 'victorialogs',
      url: 'http://vl:9428',
      auth: { type: 'none' },
      serviceField: 'service',
      levelField: 'level',
      traceIdField: 'trace_id',
    });
    expect(settings.stores.get('seeds')).toMatchObject({
      auth: { type: 'bearer', token: 't' },
      serviceField: 'service_name',
    });
    expect(settings).toMatchObject({
      defaultStore: 'main',
      defaultRetentionMs: 30 * 86_400_000,
      lookbackMs: 3_600_000,
      minStructuredShare: 0.9,
      minTraceIdShare: 0.5,
    });
  });

  it.each([
    [
      { stores: [{ name: 'a', type: 'elastic', url: 'http://x' }] },
      'productionReadiness.logging.stores[0].type "elastic" is not one of victorialogs, loki',
    ],
    [
      { stores: [{ name: 'a', type: 'loki', url: 'http://u:p@x' }] },
      'productionReadiness.logging.stores[0].url must not hold credentials: use productionReadiness.logging.stores[0].username and password, or token',
    ],
    [
      {
        stores: [
          {
            name: 'a',
            type: 'loki',
            url: 'http://x',
            serviceField: 'service.name',
          },
        ],
      },
      'productionReadiness.logging.stores[0].serviceField "service.name" is not a Loki label name ([a-zA-Z_][a-zA-Z0-9_]*)',
    ],
    [
      {
        stores: [
          { name: 'a', type: 'victorialogs', url: 'http://x', tenant: 'shop' },
        ],
      },
      'productionReadiness.logging.stores[0].tenant "shop" must be AccountID or AccountID:ProjectID (numbers) for VictoriaLogs',
    ],
    [
      { stores: [], defaultStore: 'main' },
      'productionReadiness.logging.defaultStore "main" is not one of the stores (none configured)',
    ],
    [
      { defaultRetention: 'a month' },
      'productionReadiness.logging.defaultRetention "a month" is not a duration such as 30d',
    ],
    [
      { minStructuredShare: 90 },
      'productionReadiness.logging.minStructuredShare must be a share between 0 and 1, got 90',
    ],
  ])('refuses %j at startup', (logging, message) => {
    expect(() => read(logging)).toThrow(message);
  });
});
