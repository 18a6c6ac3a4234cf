import { Config, ConfigReader } from '@backstage/config';
import { readPositiveDurationMs } from '@production-readiness/plugin-production-readiness-node';

const ROOT = 'productionReadiness.prometheus';

/** How to reach one upstream HTTP API: base URL plus headers (credentials included). */
export interface UpstreamEndpoint {
  /** For messages: `Prometheus "main"`, `Alertmanager "main"`. Never holds credentials. */
  displayName: string;
  baseUrl: string;
  headers: Record<string, string>;
}

/** One Prometheus instance from config. */
export interface PrometheusInstanceConfig {
  name: string;
  serviceLabel: string;
  prometheus: UpstreamEndpoint;
  alertmanager?: UpstreamEndpoint;
}

/** The module's settings, read and validated once at startup. */
export interface PrometheusModuleConfig {
  instances: Map<string, PrometheusInstanceConfig>;
  defaultInstance?: string;
  requestTimeoutMs: number;
  retries: number;
  maxResponseBytes: number;
  scrapeMaxAgeMs: number;
  criticalFiringWarnAfterMs: number;
  criticalSeverities: string[];
  /** The verdict for a critical alert whose routes are silent during part of the week. */
  routingGaps: 'fail' | 'warn';
  /** A VM host whose last successful logrotate run is older than this fails. */
  vmRotationMaxAgeMs: number;
  /** A live log file on a VM host larger than this fails: rotation does not keep up. */
  vmLogFileMaxBytes: number;
}

// Prometheus label names: https://prometheus.io/docs/concepts/data_model/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const INSTANCE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;

const durationMs = (config: Config, key: string, fallback: number) =>
  readPositiveDurationMs(config, key, { path: ROOT, fallback });

function positiveBytes(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `${ROOT}.${key} must be a whole number of bytes, got ${value}`,
    );
  }
  return value;
}

function readRoutingGaps(config: Config): 'fail' | 'warn' {
  const value = config.getOptionalString('routingGaps') ?? 'fail';
  if (value !== 'fail' && value !== 'warn') {
    throw new Error(
      `${ROOT}.routingGaps must be "fail" or "warn", got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

function readBaseUrl(config: Config, where: string): string {
  const raw = config.getString('baseUrl');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${where}.baseUrl is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${where}.baseUrl must be an http(s) URL`);
  }
  if (url.username || url.password) {
    throw new Error(
      `${where}.baseUrl must not contain credentials; use token, basicAuth or headers`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(`${where}.baseUrl must not have a query or fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}

function readHeaders(config: Config, where: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const custom = config.getOptionalConfig('headers');
  for (const name of custom?.keys() ?? []) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new Error(`${where}.headers: "${name}" is not a valid header name`);
    }
    headers[name] = custom!.getString(name);
  }
  const token = config.getOptionalString('token');
  const basic = config.getOptionalConfig('basicAuth');
  if (token !== undefined && basic) {
    throw new Error(`${where}: set either token or basicAuth, not both`);
  }
  if (token !== undefined) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (basic) {
    const user = basic.getString('username');
    const password = basic.getString('password');
    headers.Authorization = `Basic ${Buffer.from(
      `${user}:${password}`,
    ).toString('base64')}`;
  }
  return headers;
}

/** Reads `productionReadiness.prometheus`; throws naming the key when something is wrong. */
export function readPrometheusModuleConfig(
  root: Config,
): PrometheusModuleConfig {
  // Installed but not configured: every entity reports `unknown`, saying to declare an
  // instance, instead of the whole backend refusing to start.
  const declared = root.getOptionalConfig(ROOT);
  const config = declared ?? new ConfigReader({}, ROOT);
  const defaultLabel = config.getOptionalString('serviceLabel') ?? 'job';
  if (!LABEL_NAME.test(defaultLabel)) {
    throw new Error(
      `${ROOT}.serviceLabel "${defaultLabel}" is not a Prometheus label name`,
    );
  }

  const instances = new Map<string, PrometheusInstanceConfig>();
  (config.getOptionalConfigArray('instances') ?? []).forEach((entry, index) => {
    const where = `${ROOT}.instances[${index}]`;
    const name = entry.getString('name');
    if (!INSTANCE_NAME.test(name)) {
      throw new Error(
        `${where}.name "${name}" must be 1-63 letters, digits, ".", "_" or "-"`,
      );
    }
    if (instances.has(name)) {
      throw new Error(`${where}.name "${name}" is declared twice`);
    }
    const serviceLabel =
      entry.getOptionalString('serviceLabel') ?? defaultLabel;
    if (!LABEL_NAME.test(serviceLabel)) {
      throw new Error(
        `${where}.serviceLabel "${serviceLabel}" is not a Prometheus label name`,
      );
    }
    const am = entry.getOptionalConfig('alertmanager');
    instances.set(name, {
      name,
      serviceLabel,
      prometheus: {
        displayName: `Prometheus "${name}"`,
        baseUrl: readBaseUrl(entry, where),
        headers: readHeaders(entry, where),
      },
      alertmanager: am && {
        displayName: `Alertmanager of "${name}"`,
        baseUrl: readBaseUrl(am, `${where}.alertmanager`),
        headers: readHeaders(am, `${where}.alertmanager`),
      },
    });
  });
  if (instances.size === 0 && declared) {
    throw new Error(`${ROOT}.instances must declare at least one instance`);
  }

  let defaultInstance = config.getOptionalString('defaultInstance');
  if (defaultInstance !== undefined && !instances.has(defaultInstance)) {
    throw new Error(
      `${ROOT}.defaultInstance "${defaultInstance}" is not one of the instances: ${[
        ...instances.keys(),
      ].join(', ')}`,
    );
  }
  if (defaultInstance === undefined && instances.size === 1) {
    defaultInstance = [...instances.keys()][0];
  }

  const retries = config.getOptionalNumber('retries') ?? 2;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new Error(`${ROOT}.retries must be an integer from 0 to 10`);
  }
  const maxResponseBytes =
    config.getOptionalNumber('maxResponseBytes') ?? 32 * 1024 * 1024;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1024) {
    throw new Error(`${ROOT}.maxResponseBytes must be an integer >= 1024`);
  }

  return {
    instances,
    defaultInstance,
    requestTimeoutMs: durationMs(config, 'requestTimeout', 10_000),
    retries,
    maxResponseBytes,
    scrapeMaxAgeMs: durationMs(config, 'scrapeMaxAge', 5 * 60_000),
    criticalFiringWarnAfterMs: durationMs(
      config,
      'criticalFiringWarnAfter',
      4 * 3_600_000,
    ),
    criticalSeverities: config.getOptionalStringArray('criticalSeverities') ?? [
      'critical',
      'page',
    ],
    routingGaps: readRoutingGaps(config),
    vmRotationMaxAgeMs: durationMs(config, 'vmRotationMaxAge', 26 * 3_600_000),
    vmLogFileMaxBytes: positiveBytes(config, 'vmLogFileMaxBytes', 1024 ** 3),
  };
}
