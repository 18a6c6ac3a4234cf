import { Config } from '@backstage/config';
import { parseDuration } from '@production-readiness/plugin-production-readiness-common';
import { readPositiveDurationMs } from '@production-readiness/plugin-production-readiness-node';

const KEY = 'productionReadiness.logging';

/** The log store products the module reads. */
export const LOG_STORE_TYPES = ['victorialogs', 'loki'] as const;

/** @public */
export type LogStoreType = (typeof LOG_STORE_TYPES)[number];

/** How the module authenticates to a store. */
export type LogStoreAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string };

/** A log store from config. */
export interface LogStoreConfig {
  name: string;
  type: LogStoreType;
  /** Base URL without a trailing slash. */
  url: string;
  /**
   * Loki: the `X-Scope-OrgID`. VictoriaLogs: `AccountID` or `AccountID:ProjectID`.
   */
  tenant?: string;
  auth: LogStoreAuth;
  /** The field (VictoriaLogs) or label (Loki) naming a service in the store's streams. */
  serviceField: string;
  /** A line carrying this field arrived structured (parsed into fields). */
  levelField: string;
  /** The field holding a trace or correlation id. */
  traceIdField: string;
}

/** The module's settings, read and validated once at startup. */
export interface LoggingSettings {
  stores: Map<string, LogStoreConfig>;
  defaultStore?: string;
  /** Retention every entity needs unless it declares its own (`log-retention`). */
  defaultRetentionMs?: number;
  /** How far back "recent logs" reach. */
  lookbackMs: number;
  /** Share of lines that must be structured, 0..1. */
  minStructuredShare: number;
  /** Share of lines that must carry a trace id, 0..1. */
  minTraceIdShare: number;
  requestTimeoutMs: number;
}

const DEFAULT_FIELDS: Record<
  LogStoreType,
  Pick<LogStoreConfig, 'serviceField' | 'levelField' | 'traceIdField'>
> = {
  victorialogs: {
    serviceField: 'service',
    levelField: 'level',
    traceIdField: 'trace_id',
  },
  loki: {
    serviceField: 'service_name',
    levelField: 'level',
    traceIdField: 'trace_id',
  },
};

/** Loki label names; LogQL has no quoting for them. */
const LOKI_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function readShare(config: Config | undefined, key: string, fallback: number) {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!(value >= 0 && value <= 1)) {
    throw new Error(
      `${KEY}.${key} must be a share between 0 and 1, got ${value}`,
    );
  }
  return value;
}

function readAuth(store: Config, at: string): LogStoreAuth {
  const token = store.getOptionalString('token');
  const username = store.getOptionalString('username');
  const password = store.getOptionalString('password');
  if (
    token !== undefined &&
    (username !== undefined || password !== undefined)
  ) {
    throw new Error(
      `${at}: give either token or username and password, not both`,
    );
  }
  if (token !== undefined) return { type: 'bearer', token };
  if ((username === undefined) !== (password === undefined)) {
    throw new Error(`${at}: username and password go together`);
  }
  return username !== undefined
    ? { type: 'basic', username, password: password! }
    : { type: 'none' };
}

function readStore(store: Config, index: number): LogStoreConfig {
  const at = `${KEY}.stores[${index}]`;
  const name = store.getString('name');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/.test(name)) {
    throw new Error(
      `${at}.name "${name}" must be letters, digits, '.', '_' or '-' (at most 63)`,
    );
  }
  const type = store.getString('type');
  if (!LOG_STORE_TYPES.includes(type as LogStoreType)) {
    throw new Error(
      `${at}.type "${type}" is not one of ${LOG_STORE_TYPES.join(', ')}`,
    );
  }
  const url = store.getString('url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${at}.url "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`${at}.url "${url}" must be http or https`);
  }
  if (parsed.username || parsed.password) {
    throw new Error(
      `${at}.url must not hold credentials: use ${at}.username and password, or token`,
    );
  }
  const tenant = store.getOptionalString('tenant');
  if (
    tenant !== undefined &&
    type === 'victorialogs' &&
    !/^\d+(:\d+)?$/.test(tenant)
  ) {
    throw new Error(
      `${at}.tenant "${tenant}" must be AccountID or AccountID:ProjectID (numbers) for VictoriaLogs`,
    );
  }
  const defaults = DEFAULT_FIELDS[type as LogStoreType];
  const fields = {
    serviceField:
      store.getOptionalString('serviceField') ?? defaults.serviceField,
    levelField: store.getOptionalString('levelField') ?? defaults.levelField,
    traceIdField:
      store.getOptionalString('traceIdField') ?? defaults.traceIdField,
  };
  for (const [key, value] of Object.entries(fields)) {
    if (type === 'loki' ? !LOKI_LABEL_NAME.test(value) : !value.trim()) {
      throw new Error(
        type === 'loki'
          ? `${at}.${key} "${value}" is not a Loki label name ([a-zA-Z_][a-zA-Z0-9_]*)`
          : `${at}.${key} must not be empty`,
      );
    }
  }
  return {
    name,
    type: type as LogStoreType,
    url: url.replace(/\/+$/, ''),
    ...(tenant !== undefined ? { tenant } : {}),
    auth: readAuth(store, at),
    ...fields,
  };
}

/** Reads `productionReadiness.logging`; throws naming the key when something is wrong. */
export function readLoggingSettings(root: Config): LoggingSettings {
  const config = root.getOptionalConfig(KEY);
  const stores = new Map<string, LogStoreConfig>();
  (config?.getOptionalConfigArray('stores') ?? []).forEach((store, index) => {
    const read = readStore(store, index);
    if (stores.has(read.name)) {
      throw new Error(
        `${KEY}.stores[${index}].name "${read.name}" is used twice`,
      );
    }
    stores.set(read.name, read);
  });
  const defaultStore = config?.getOptionalString('defaultStore');
  if (defaultStore !== undefined && !stores.has(defaultStore)) {
    throw new Error(
      `${KEY}.defaultStore "${defaultStore}" is not one of the stores (${
        [...stores.keys()].join(', ') || 'none configured'
      })`,
    );
  }
  const retention = config?.getOptionalString('defaultRetention');
  const defaultRetentionMs =
    retention === undefined ? undefined : parseDuration(retention);
  if (retention !== undefined && defaultRetentionMs === undefined) {
    throw new Error(
      `${KEY}.defaultRetention "${retention}" is not a duration such as 30d`,
    );
  }
  return {
    stores,
    ...(defaultStore !== undefined ? { defaultStore } : {}),
    ...(defaultRetentionMs !== undefined ? { defaultRetentionMs } : {}),
    lookbackMs: readPositiveDurationMs(config, 'lookback', {
      path: KEY,
      fallback: 3_600_000,
    }),
    minStructuredShare: readShare(config, 'minStructuredShare', 0.9),
    minTraceIdShare: readShare(config, 'minTraceIdShare', 0.5),
    requestTimeoutMs: readPositiveDurationMs(config, 'requestTimeout', {
      path: KEY,
      fallback: 10_000,
    }),
  };
}
