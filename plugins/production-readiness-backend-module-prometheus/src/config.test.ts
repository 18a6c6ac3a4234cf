import { ConfigReader } from '@backstage/config';
import { resolveEntityTarget } from './collectors/facts';
import { readPrometheusModuleConfig } from './config';
import { component } from './__testUtils__/harness';

describe('readPrometheusModuleConfig', () => {
  const read = (prometheus: object) =>
    readPrometheusModuleConfig(
      new ConfigReader({ productionReadiness: { prometheus } }),
    );
  it('rejects bad settings naming the key', () => {
    expect(() =>
      read({ instances: [{ name: 'a', baseUrl: 'http://u:p@h:9090' }] }),
    ).toThrow(
      'productionReadiness.prometheus.instances[0].baseUrl must not contain credentials',
    );
    expect(() =>
      read({
        defaultInstance: 'b',
        instances: [{ name: 'a', baseUrl: 'http://h:9090' }],
      }),
    ).toThrow(
      'productionReadiness.prometheus.defaultInstance "b" is not one of the instances: a',
    );
    expect(() =>
      read({
        serviceLabel: 'job"}',
        instances: [{ name: 'a', baseUrl: 'http://h' }],
      }),
    ).toThrow('is not a Prometheus label name');
  });
  it('accepts a missing section (nothing configured) but not an empty instance list', () => {
    expect(
      readPrometheusModuleConfig(new ConfigReader({})).instances.size,
    ).toBe(0);
    expect(() => read({ instances: [] })).toThrow(
      'productionReadiness.prometheus.instances must declare at least one instance',
    );
  });

  it('tells entities to declare an instance when none is configured', () => {
    expect(
      resolveEntityTarget(
        component('orders'),
        readPrometheusModuleConfig(new ConfigReader({})),
      ),
    ).toEqual({
      ok: false,
      problem: {
        reason:
          'No Prometheus instance is configured (productionReadiness.prometheus.instances)',
        remediation:
          'Declare your Prometheus (and Alertmanager) in app-config under productionReadiness.prometheus.instances.',
      },
    });
  });

  it('builds auth headers from token and basic auth', () => {
    const parsed = read({
      instances: [
        { name: 'a', baseUrl: 'http://h/', token: 't0k' },
        {
          name: 'b',
          baseUrl: 'http://h',
          basicAuth: { username: 'u', password: 'p' },
        },
      ],
    });
    expect(parsed.defaultInstance).toBeUndefined();
    expect(parsed.instances.get('a')!.prometheus).toEqual({
      displayName: 'Prometheus "a"',
      baseUrl: 'http://h',
      headers: { Authorization: 'Bearer t0k' },
    });
    expect(parsed.instances.get('b')!.prometheus.headers.Authorization).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
  });
});
