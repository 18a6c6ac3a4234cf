import { ConfigReader } from '@backstage/config';
import { readReadinessConfig, requiredLevelFor } from './config';

const read = (productionReadiness: object) =>
  readReadinessConfig(new ConfigReader({ productionReadiness }));

describe('readReadinessConfig', () => {
  it('uses the documented defaults', () => {
    const config = readReadinessConfig(new ConfigReader({}));
    expect(config).toMatchObject({
      entityKinds: ['Component', 'Resource', 'System', 'API'],
      schedule: {
        frequency: { minutes: 10 },
        timeout: { minutes: 15 },
        initialDelay: { seconds: 15 },
      },
      collectorTimeoutMs: 60_000,
      refreshMinIntervalMs: 30_000,
      requiredLevels: { production: 'silver' },
      historyRetentionMs: 180 * 86_400_000,
    });
    expect(config.levels.map(l => l.name)).toEqual([
      'bronze',
      'silver',
      'gold',
    ]);
  });

  it('accepts a schedule with only some keys, keeping the defaults of the others', () => {
    expect(read({ schedule: { frequency: { minutes: 1 } } }).schedule).toEqual({
      frequency: { minutes: 1 },
      timeout: { minutes: 15 },
      initialDelay: { seconds: 15 },
    });
  });

  it('refuses required levels that are not configured, naming the key', () => {
    expect(() => read({ requiredLevels: { production: 'platinum' } })).toThrow(
      'productionReadiness.requiredLevels.production: unknown level "platinum"',
    );
    expect(() =>
      read({
        levels: [{ name: 'basic', severities: ['critical', 'blocker'] }],
      }),
    ).toThrow(
      'productionReadiness.levels: level "basic" has unknown severity "blocker"',
    );
  });

  it('requires the level of the lifecycle, ignoring case, and none otherwise', () => {
    const config = read({ requiredLevels: { Production: 'gold' } });
    expect(requiredLevelFor(config, 'production')).toBe('gold');
    expect(requiredLevelFor(config, 'experimental')).toBe('none');
    expect(requiredLevelFor(config, undefined)).toBe('none');
  });
});
