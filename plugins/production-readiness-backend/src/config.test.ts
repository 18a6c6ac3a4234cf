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
      requiredLevels: { production: 'silver', experimental: 'none' },
      defaultRequiredLevel: 'silver',
      maxResultAgeMs: 30 * 60_000,
      historyRetentionMs: 180 * 86_400_000,
      pushedResults: {
        types: [],
        principals: [],
        rateLimit: { limit: 60, windowMs: 60_000 },
      },
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

  it("requires the level of the lifecycle, ignoring case, and production's level for any lifecycle not listed", () => {
    const config = read({
      requiredLevels: { Production: 'gold', experimental: 'none' },
    });
    expect(requiredLevelFor(config, 'production')).toBe('gold');
    expect(requiredLevelFor(config, 'experimental')).toBe('none');
    expect(requiredLevelFor(config, 'prod')).toBe('gold');
    expect(requiredLevelFor(config, undefined)).toBe('gold');
    expect(
      requiredLevelFor(
        read({
          requiredLevels: { production: 'gold' },
          defaultRequiredLevel: 'bronze',
        }),
        'staging',
      ),
    ).toBe('bronze');
  });

  it('trusts results for three refresh intervals by default', () => {
    expect(
      read({ schedule: { frequency: { minutes: 1 } } }).maxResultAgeMs,
    ).toBe(180_000);
    expect(read({ gate: { maxResultAge: { hours: 2 } } }).maxResultAgeMs).toBe(
      7_200_000,
    );
  });

  it('refuses level definitions that are not cumulative or duplicated, and unknown default levels', () => {
    expect(() =>
      read({
        levels: [
          { name: 'bronze', severities: ['critical', 'major'] },
          { name: 'silver', severities: ['critical'] },
        ],
      }),
    ).toThrow(
      'productionReadiness.levels: level "silver" is not cumulative: it drops major, which "bronze" below it requires',
    );
    expect(() =>
      read({
        levels: [
          { name: 'bronze', severities: ['critical'] },
          { name: 'bronze', severities: ['critical', 'major'] },
        ],
      }),
    ).toThrow('level "bronze" is defined twice');
    expect(() => read({ defaultRequiredLevel: 'platinum' })).toThrow(
      'productionReadiness.defaultRequiredLevel: unknown level "platinum"',
    );
  });

  it('reads the principals that may push, with refs in full, and refuses one that could push for nothing', () => {
    expect(
      read({
        pushedResults: {
          principals: [
            {
              subject: 'restore-job',
              entities: ['Resource:Default/Orders-DB'],
              owners: ['team-orders', 'user:ada'],
            },
          ],
        },
      }).pushedResults.principals,
    ).toEqual([
      {
        subject: 'restore-job',
        entities: ['resource:default/orders-db'],
        owners: ['group:default/team-orders', 'user:default/ada'],
      },
    ]);
    expect(() =>
      read({ pushedResults: { principals: [{ subject: 'ci' }] } }),
    ).toThrow(
      'productionReadiness.pushedResults.principals[0] (subject ci) names neither entities nor owners: it could push for nothing',
    );
    expect(() =>
      read({
        pushedResults: {
          principals: [{ subject: 'ci', entities: ['resource:'] }],
        },
      }),
    ).toThrow(
      /^productionReadiness\.pushedResults\.principals\[0\]\.entities: "resource:" is not an entity ref/,
    );
    expect(() => read({ pushedResults: { rateLimit: { limit: 0 } } })).toThrow(
      'productionReadiness.pushedResults.rateLimit.limit must be a positive integer, got 0',
    );
  });
});
