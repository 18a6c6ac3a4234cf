import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import { readPositiveDurationMs } from '@production-readiness/plugin-production-readiness-node';
import {
  durationToMilliseconds,
  HumanDuration,
  JsonObject,
} from '@backstage/types';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_LEVELS,
  LevelDefinition,
  levelDefinitionProblems,
  NO_LEVEL,
  Severity,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CoverageSettings,
  readCoverageSettings,
} from './coverageRules/coverageSettings';

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
  /** Level of entities whose lifecycle `requiredLevels` does not name (or that have none). */
  defaultRequiredLevel: string;
  /** Results older than this block the gate. */
  maxResultAgeMs: number;
  coverage: CoverageSettings;
  waivers: {
    /** Longest a waiver may last. */
    maxDurationMs: number;
    /** How long before a waiver expires its owner is told. */
    expiryNoticeMs: number;
    /** Whether an owner may approve the waiver request of their own minor checks. */
    allowSelfApprovalOfMinor: boolean;
  };
  historyRetentionMs: number;
  notificationsEnabled: boolean;
  /** Types of pushed records the platform declares beyond the built-in ones. */
  pushedResultTypes: string[];
}

/** The shortest interval between two scheduled refreshes, when the schedule says. */
function scheduleIntervalMs(
  schedule: SchedulerServiceTaskScheduleDefinition,
): number | undefined {
  const { frequency } = schedule;
  if ('cron' in frequency || 'trigger' in frequency) {
    return undefined;
  }
  const millis = durationToMilliseconds(frequency as HumanDuration);
  return millis > 0 ? millis : undefined;
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
    config?.getOptionalConfigArray('levels')?.map(level => ({
      name: level.getString('name'),
      severities: level.getStringArray('severities') as Severity[],
    })) ?? DEFAULT_LEVELS.map(l => ({ ...l, severities: [...l.severities] }));
  const levelProblems = levelDefinitionProblems(levels);
  if (levelProblems.length) {
    throw new InputError(
      `productionReadiness.levels: ${levelProblems.join('; ')}`,
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
    : { production: 'silver', experimental: NO_LEVEL };
  const knownLevel = (key: string, level: string) => {
    if (level !== NO_LEVEL && !levels.some(l => l.name === level)) {
      throw new InputError(
        `productionReadiness.${key}: unknown level "${level}"; configured levels are ${[
          NO_LEVEL,
          ...levels.map(l => l.name),
        ].join(', ')}`,
      );
    }
    return level;
  };
  for (const [lifecycle, level] of Object.entries(requiredLevels)) {
    knownLevel(`requiredLevels.${lifecycle}`, level);
  }
  // Fail closed: a lifecycle nobody listed (a typo such as "prod") is held to production's level.
  const defaultRequiredLevel = knownLevel(
    'defaultRequiredLevel',
    config?.getOptionalString('defaultRequiredLevel') ??
      requiredLevels.production ??
      levels[levels.length - 1].name,
  );

  // Every schedule key is optional: the ones given override the defaults.
  const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader({
      ...DEFAULT_SCHEDULE,
      ...config?.getOptionalConfig('schedule')?.get<JsonObject>(),
    }),
  );

  const interval = scheduleIntervalMs(schedule);
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
    defaultRequiredLevel,
    maxResultAgeMs: durationMs(
      config,
      'gate.maxResultAge',
      interval ? 3 * interval : 30 * 60_000,
    ),
    coverage: readCoverageSettings(config?.getOptionalConfig('coverage')),
    waivers: {
      maxDurationMs: durationMs(config, 'waivers.maxDuration', 90 * 86_400_000),
      expiryNoticeMs: durationMs(
        config,
        'waivers.expiryNotice',
        7 * 86_400_000,
      ),
      allowSelfApprovalOfMinor:
        config?.getOptionalBoolean('waivers.allowSelfApprovalOfMinor') ?? false,
    },
    historyRetentionMs: durationMs(
      config,
      'retention.history',
      180 * 86_400_000,
    ),
    notificationsEnabled:
      config?.getOptionalBoolean('notifications.enabled') ?? true,
    pushedResultTypes: readPushedResultTypes(config),
  };
}

/** `pushedResults.types`: names like the type of a push (lowercase, digits, dashes). */
function readPushedResultTypes(config: Config | undefined): string[] {
  const types = config?.getOptionalStringArray('pushedResults.types') ?? [];
  for (const type of types) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(type)) {
      throw new Error(
        `productionReadiness.pushedResults.types: "${type}" must be lowercase letters, digits and dashes, at most 63 characters`,
      );
    }
  }
  return types;
}

/**
 * The level an entity's lifecycle requires: the one `requiredLevels` names for it, otherwise
 * (an unlisted lifecycle, or none at all) `defaultRequiredLevel`, never "nothing".
 */
export function requiredLevelFor(
  config: Pick<ReadinessConfig, 'requiredLevels' | 'defaultRequiredLevel'>,
  lifecycle: unknown,
): string {
  const key =
    typeof lifecycle === 'string'
      ? lifecycle.trim().toLocaleLowerCase('en-US')
      : '';
  return config.requiredLevels[key] ?? config.defaultRequiredLevel;
}
