import { checkCollectorConfig } from './validateLogShipping';

const expected = {
  value: 'orders-api',
  source: 'backstage.io/kubernetes-id',
  entityRef: 'component:default/orders-api',
};

function problems(config: Record<string, any>) {
  const found: string[] = [];
  checkCollectorConfig(config, expected, m => found.push(m));
  return found;
}

const shipping = {
  receivers: {
    'filelog/pods': { include: ['/var/log/pods/*/orders-api/*.log'] },
  },
  processors: {
    'attributes/service': {
      attributes: [{ key: 'service', value: 'orders-api', action: 'insert' }],
    },
  },
  exporters: { otlphttp: { endpoint: 'http://victorialogs:9428' } },
  service: {
    pipelines: {
      'logs/pods': {
        receivers: ['filelog/pods'],
        processors: ['attributes/service'],
        exporters: ['otlphttp'],
      },
    },
  },
};

describe('checkCollectorConfig', () => {
  it('accepts named pipelines, receivers and processors of the same types', () => {
    expect(problems(shipping)).toEqual([]);
  });

  it('names a filelog receiver that reads no files', () => {
    expect(
      problems({
        ...shipping,
        receivers: { 'filelog/pods': { include: [] } },
      }),
    ).toEqual(['receivers.filelog/pods.include: names no log files']);
  });

  it('refuses a config whose sections are not maps, without throwing', () => {
    expect(
      problems({ ...shipping, receivers: 'filelog/pods', exporters: null }),
    ).toEqual([
      'service.pipelines.logs/pods.receivers: "filelog/pods" is not defined under receivers',
      'service.pipelines.logs/pods.exporters: "otlphttp" is not defined under exporters',
      'service.pipelines: no logs pipeline from a filelog receiver to an exporter',
    ]);
  });

  it('judges every service value a pipeline sets', () => {
    const config = structuredClone(shipping);
    config.processors['attributes/service'].attributes.push({
      key: 'service.name',
      value: 'orders',
      action: 'upsert',
    });
    expect(problems(config)).toEqual([
      'processors.attributes/service: sets service.name to "orders", but the logging checks look up the lines of component:default/orders-api under "orders-api" (backstage.io/kubernetes-id)',
    ]);
  });
});
