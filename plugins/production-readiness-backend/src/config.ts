import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
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
  pushedResultSchema,
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
  pushedResults: PushedResultsSettings;
}

/** A service principal that may push evidence, and for which entities. */
export interface PushingPrincipal {
  /** The principal's subject: a `backend.auth.externalAccess` static token's `subject`. */
  subject: string;
  /** Entity refs it may push for. */
  entities: string[];
  /** Groups (or users) whose entities it may push for. */
  owners: string[];
}

export interface PushedResultsSettings {
  /** Types of pushed records the platform declares beyond the built-in ones. */
  types: string[];
  /** Service principals that may push, each for some entities; users need the permission. */
  principals: PushingPrincipal[];
  /** Pushes per caller per window. */
  rateLimit: { limit: number; windowMs: number };
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
    pushedResults: {
      types: readPushedResultTypes(config),
      principals: readPushingPrincipals(config),
      rateLimit: {
        limit: readPushRateLimit(config),
        windowMs: durationMs(config, 'pushedResults.rateLimit.window', 60_000),
      },
    },
  };
}

function readPushRateLimit(config: Config | undefined): number {
  const limit =
    config?.getOptionalNumber('pushedResults.rateLimit.limit') ?? 60;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(
      `productionReadiness.pushedResults.rateLimit.limit must be a positive integer, got ${limit}`,
    );
  }
  return limit;
}

/** An entity ref in full (`resource:default/x`); `defaultKind` for refs written without one. */
function fullRef(ref: string, key: string, defaultKind: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    ).toLocaleLowerCase('en-US');
  } catch (e) {
    throw new Error(
      `productionReadiness.${key}: "${ref}" is not an entity ref (${
        (e as Error).message
      })`,
    );
  }
}

/** `pushedResults.principals`: each with a subject and what it may push for. */
function readPushingPrincipals(config: Config | undefined): PushingPrincipal[] {
  return (config?.getOptionalConfigArray('pushedResults.principals') ?? []).map(
    (entry, i) => {
      const key = `pushedResults.principals[${i}]`;
      const principal: PushingPrincipal = {
        subject: entry.getString('subject'),
        entities: (entry.getOptionalStringArray('entities') ?? []).map(ref =>
          fullRef(ref, `${key}.entities`, 'component'),
        ),
        owners: (entry.getOptionalStringArray('owners') ?? []).map(ref =>
          fullRef(ref, `${key}.owners`, 'group'),
        ),
      };
      if (!principal.entities.length && !principal.owners.length) {
        throw new Error(
          `productionReadiness.${key} (subject ${principal.subject}) names neither entities nor owners: it could push for nothing`,
        );
      }
      return principal;
    },
  );
}

/** `pushedResults.types`: names like the type of a push (lowercase, digits, dashes). */
function readPushedResultTypes(config: Config | undefined): string[] {
  const types = config?.getOptionalStringArray('pushedResults.types') ?? [];
  for (const type of types) {
    // The same rule as the type of a push.
    if (!pushedResultSchema.shape.type.safeParse(type).success) {
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
