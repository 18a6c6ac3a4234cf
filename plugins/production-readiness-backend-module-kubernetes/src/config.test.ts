import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import {
  DEFAULT_DEPLOY_MANAGERS,
  DEFAULT_LOG_SHIPPER_IMAGES,
  DEFAULT_MANUAL_MANAGERS,
  readKubernetesModuleSettings,
} from './config';

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
      clusterTokens: new Map(),
    });
  });

  it('reads the tokens of clusters read with user tokens, one per cluster', () => {
    const settingsOf = (clusterTokens: JsonObject[]) =>
      readKubernetesModuleSettings(
        new ConfigReader({
          productionReadiness: { kubernetes: { clusterTokens } },
        }),
      );
    expect(
      settingsOf([{ cluster: 'office', token: 'ey…' }]).clusterTokens,
    ).toEqual(new Map([['office', 'ey…']]));
    expect(() =>
      settingsOf([
        { cluster: 'office', token: 'a' },
        { cluster: 'office', token: 'b' },
      ]),
    ).toThrow(
      'productionReadiness.kubernetes.clusterTokens[1]: cluster "office" has a token already',
    );
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
