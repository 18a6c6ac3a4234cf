import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import {
  DEFAULT_DEPLOY_MANAGERS,
  DEFAULT_LOG_SHIPPER_IMAGES,
  DEFAULT_MANUAL_MANAGERS,
  readClusterDefinitions,
  readKubernetesModuleSettings,
} from './config';

const cluster = (extra: JsonObject): JsonObject => ({
  name: 'prod-eu',
  url: 'https://k8s.example.com:6443/',
  authProvider: 'serviceAccount',
  serviceAccountToken: 'token',
  ...extra,
});

const read = (clusters: JsonObject[], methodType = 'config') => {
  const logger = mockServices.logger.mock();
  const result = readClusterDefinitions(
    new ConfigReader({
      kubernetes: { clusterLocatorMethods: [{ type: methodType, clusters }] },
    }),
    logger,
  );
  return { result, warnings: logger.warn.mock.calls.map(c => c[0]) };
};

describe('readClusterDefinitions', () => {
  it('reads the clusters of the Kubernetes plugin', () => {
    expect(read([cluster({ caData: 'Q0E=' })]).result).toEqual([
      {
        name: 'prod-eu',
        url: 'https://k8s.example.com:6443',
        serviceAccountToken: 'token',
        caData: 'Q0E=',
        skipTLSVerify: false,
      },
    ]);
  });

  it('skips, with a warning, clusters it cannot read', () => {
    const { result, warnings } = read([
      cluster({ name: 'aws', authProvider: 'aws' }),
      {
        name: 'no-token',
        url: 'https://k8s.example.com',
        authProvider: 'serviceAccount',
      },
    ]);
    expect(result).toEqual([]);
    expect(warnings).toEqual([
      'kubernetes.clusterLocatorMethods[0].clusters[0] (cluster "aws") uses authProvider "aws"; Production Readiness supports "serviceAccount" only, so this cluster is not checked',
      'kubernetes.clusterLocatorMethods[0].clusters[1] (cluster "no-token") has no serviceAccountToken; Production Readiness needs one, so this cluster is not checked',
    ]);
    expect(read([], 'gke').warnings).toEqual([
      'kubernetes.clusterLocatorMethods[0] has type "gke"; Production Readiness reads only "config" locators, so its clusters are not checked',
    ]);
  });

  it.each([
    [
      [cluster({ url: 'k8s.example.com' })],
      'kubernetes.clusterLocatorMethods[0].clusters[0].url: "k8s.example.com" is not a URL',
    ],
    [
      [cluster({ url: 'http://k8s.example.com' })],
      'kubernetes.clusterLocatorMethods[0].clusters[0].url is plain http; use https, or set skipTLSVerify: true for a lab cluster',
    ],
    [
      [cluster({}), cluster({})],
      'kubernetes.clusterLocatorMethods[0].clusters[1].name: cluster "prod-eu" is declared twice',
    ],
  ])('refuses bad entries, naming the key', (clusters, message) => {
    expect(() => read(clusters)).toThrow(message);
  });
});

describe('readKubernetesModuleSettings', () => {
  it('has defaults', () => {
    expect(readKubernetesModuleSettings(new ConfigReader({}))).toEqual({
      pageSize: 500,
      requestTimeoutMs: 20_000,
      maxResponseBytes: 52_428_800,
      concurrency: 4,
      restoreTestMaxAgeMs: 2_592_000_000,
      certificateMinValidityMs: 1_209_600_000,
      logShipperImages: DEFAULT_LOG_SHIPPER_IMAGES,
      containerLogMaxBytes: 1024 ** 3,
      kubeletLogRotation: undefined,
      deployManagers: DEFAULT_DEPLOY_MANAGERS,
      manualManagers: DEFAULT_MANUAL_MANAGERS,
      requireAutomatedSync: false,
    });
  });

  it('reads the declared kubelet log rotation and the per-container limit, refusing bad sizes', () => {
    const settingsOf = (kubernetes: JsonObject) =>
      readKubernetesModuleSettings(
        new ConfigReader({ productionReadiness: { kubernetes } }),
      );
    expect(
      settingsOf({
        containerLogMaxTotal: '500Mi',
        kubeletLogRotation: {
          containerLogMaxSize: '20Mi',
          containerLogMaxFiles: 3,
        },
      }),
    ).toMatchObject({
      containerLogMaxBytes: 500 * 1024 ** 2,
      kubeletLogRotation: {
        containerLogMaxSize: '20Mi',
        containerLogMaxFiles: 3,
      },
    });
    expect(() => settingsOf({ containerLogMaxTotal: 'a lot' })).toThrow(
      'productionReadiness.kubernetes.containerLogMaxTotal must be a size such as 1Gi, got "a lot"',
    );
    expect(() =>
      settingsOf({ kubeletLogRotation: { containerLogMaxFiles: 0 } }),
    ).toThrow(
      'productionReadiness.kubernetes.kubeletLogRotation.containerLogMaxFiles must be a positive integer, got 0',
    );
  });

  it('reads durations and refuses bad numbers, naming the key', () => {
    const settings = readKubernetesModuleSettings(
      new ConfigReader({
        productionReadiness: {
          kubernetes: { restoreTestMaxAge: { days: 7 }, requestTimeout: '5s' },
        },
      }),
    );
    expect(settings.restoreTestMaxAgeMs).toBe(7 * 24 * 3600_000);
    expect(settings.requestTimeoutMs).toBe(5_000);
    expect(() =>
      readKubernetesModuleSettings(
        new ConfigReader({
          productionReadiness: { kubernetes: { pageSize: 0 } },
        }),
      ),
    ).toThrow(
      'productionReadiness.kubernetes.pageSize must be an integer from 1 to 5000, got 0',
    );
  });
});
