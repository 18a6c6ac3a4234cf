import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import { readPositiveDurationMs } from '@production-readiness/plugin-production-readiness-node';
import { JsonObject } from '@backstage/types';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_LEVELS,
  LevelDefinition,
  NO_LEVEL,
  SEVERITIES,
  Severity,
} from '@production-readiness/plugin-production-readiness-common';

const DEFAULT_SCHEDULE = {
  frequency: { minutes: 10 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 15 },
};

/** The engine's settings, read and validated from `productionReadiness` in app-config. */
export interface ReadinessConfig {
  entityKinds: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
  collectorTimeoutMs: number;
  collectorConcurrency: number;
  refreshMinIntervalMs: number;
  levels: LevelDefinition[];
  requiredLevels: Record<string, string>;
  historyRetentionMs: number;
  notificationsEnabled: boolean;
}

const durationMs = (
  config: Config | undefined,
  key: string,
  fallback: number,
) =>
  readPositiveDurationMs(config, key, {
    path: 'productionReadiness',
    fallback,
  });

/** Reads `productionReadiness`; throws naming the key when a value is inconsistent. */
export function readReadinessConfig(root: Config): ReadinessConfig {
  const config = root.getOptionalConfig('productionReadiness');

  const levels: LevelDefinition[] =
    config?.getOptionalConfigArray('levels')?.map(level => {
      const name = level.getString('name');
      const severities = level.getStringArray('severities');
      for (const severity of severities) {
        if (!SEVERITIES.includes(severity as Severity)) {
          throw new InputError(
            `productionReadiness.levels: level "${name}" has unknown severity "${severity}"`,
          );
        }
      }
      return { name, severities: severities as Severity[] };
    }) ?? DEFAULT_LEVELS.map(l => ({ ...l, severities: [...l.severities] }));
  if (levels.some(l => l.name === NO_LEVEL)) {
    throw new InputError(
      `productionReadiness.levels: "${NO_LEVEL}" is reserved`,
    );
  }

  const requiredConfig = config?.getOptionalConfig('requiredLevels');
  const requiredLevels: Record<string, string> = requiredConfig
    ? Object.fromEntries(
        requiredConfig
          .keys()
          .map(k => [
            k.toLocaleLowerCase('en-US'),
            requiredConfig.getString(k),
          ]),
      )
    : { production: 'silver' };
  for (const [lifecycle, level] of Object.entries(requiredLevels)) {
    if (level !== NO_LEVEL && !levels.some(l => l.name === level)) {
      throw new InputError(
        `productionReadiness.requiredLevels.${lifecycle}: unknown level "${level}"`,
      );
    }
  }

  // Every schedule key is optional: the ones given override the defaults.
  const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader({
      ...DEFAULT_SCHEDULE,
      ...config?.getOptionalConfig('schedule')?.get<JsonObject>(),
    }),
  );

  return {
    entityKinds: config?.getOptionalStringArray('entityKinds') ?? [
      'Component',
      'Resource',
      'System',
      'API',
    ],
    schedule,
    collectorTimeoutMs: durationMs(config, 'collectors.timeout', 60_000),
    collectorConcurrency:
      config?.getOptionalNumber('collectors.concurrency') ?? 4,
    refreshMinIntervalMs: durationMs(config, 'refresh.minInterval', 30_000),
    levels,
    requiredLevels,
    historyRetentionMs: durationMs(
      config,
      'retention.history',
      180 * 86_400_000,
    ),
    notificationsEnabled:
      config?.getOptionalBoolean('notifications.enabled') ?? true,
  };
}

/** The level an entity's lifecycle requires. */
export function requiredLevelFor(
  config: ReadinessConfig,
  lifecycle: unknown,
): string {
  return typeof lifecycle === 'string'
    ? config.requiredLevels[lifecycle.toLocaleLowerCase('en-US')] ?? NO_LEVEL
    : NO_LEVEL;
}
