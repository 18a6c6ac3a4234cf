import { parsePrometheusDuration } from '@production-readiness/plugin-production-readiness-common';
import { parse as parseYaml } from 'yaml';
import { LogStoreConfig } from '../config';
import {
  addServiceCount,
  LogStoreClient,
  parseVectorAnswer,
  requestStore,
  ServiceLogStats,
  StoreRetention,
} from './LogStoreClient';

/**
 * A LogQL quoted string holding exactly `value` (Loki unquotes with Go's `strconv.Unquote`,
 * which reads every escape JSON.stringify writes).
 */
export function logqlString(value: string): string {
  return JSON.stringify(value);
}

/** The RE2 pattern that matches exactly one of `values` (Loki anchors label regexes). */
export function exactValuesPattern(values: string[]): string {
  return [...new Set(values)]
    .sort()
    .map(v => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))
    .join('|');
}

/**
 * The three LogQL queries that answer, per service, lines, lines that parse as JSON and JSON
 * lines with a trace id, for every service of the store at once.
 */
export function lokiStatsQueries(
  store: Pick<LogStoreConfig, 'serviceField' | 'traceIdField'>,
  services: string[],
  lookbackMs: number,
): Record<keyof ServiceLogStats, string> {
  const selector = `{${store.serviceField}=~${logqlString(
    exactValuesPattern(services),
  )}}`;
  const range = `[${Math.ceil(lookbackMs / 1000)}s]`;
  const count = (pipeline: string) =>
    `sum by (${store.serviceField}) (count_over_time(${selector}${pipeline} ${range}))`;
  return {
    lines: count(''),
    structured: count(' | json | __error__=""'),
    traced: count(` | json | __error__="" | ${store.traceIdField}!=""`),
  };
}

/** A duration of Loki's config (`744h`, `30d`, `0s`); 0 means "keep forever". */
function lokiDuration(value: unknown, where: string): number {
  const ms = parsePrometheusDuration(value);
  if (ms === undefined) {
    throw new Error(`${where} is ${JSON.stringify(value)}, not a duration`);
  }
  return ms;
}

type Limits = {
  retention_period?: unknown;
  retention_stream?: Array<{ selector?: unknown; period?: unknown }>;
};

/**
 * Grafana Loki over its HTTP API: `/loki/api/v1/query` for the services, `/config` and
 * `/runtime_config` for retention. Grafana Loki is AGPL and never runs here: the tests read
 * recorded answers of the documented API.
 */
export class LokiClient implements LogStoreClient {
  constructor(
    private readonly store: LogStoreConfig,
    private readonly options: { lookbackMs: number; timeoutMs: number },
  ) {}

  async readServiceStats(
    services: string[],
    signal: AbortSignal,
  ): Promise<Map<string, ServiceLogStats>> {
    const stats = new Map<string, ServiceLogStats>();
    if (!services.length) return stats;
    const path = '/loki/api/v1/query';
    const queries = lokiStatsQueries(
      this.store,
      services,
      this.options.lookbackMs,
    );
    const answers = await Promise.all(
      Object.entries(queries).map(async ([name, query]) => ({
        name: name as keyof ServiceLogStats,
        samples: parseVectorAnswer(
          await requestStore(this.store, path, {
            signal,
            timeoutMs: this.options.timeoutMs,
            form: new URLSearchParams({ query }),
          }),
          `Loki store "${this.store.name}" (${path})`,
        ),
      })),
    );
    for (const { name, samples } of answers) {
      for (const sample of samples) {
        const service = sample.labels[this.store.serviceField];
        if (service !== undefined) {
          addServiceCount(stats, service, name, sample.value);
        }
      }
    }
    return stats;
  }

  async readRetention(signal: AbortSignal): Promise<StoreRetention> {
    const read = async (path: string) => {
      const text = await requestStore(this.store, path, {
        signal,
        timeoutMs: this.options.timeoutMs,
      });
      try {
        return (parseYaml(text) ?? {}) as Record<string, unknown>;
      } catch (error) {
        throw new Error(
          `Loki store "${this.store.name}" answered ${path} with something that is not YAML`,
        );
      }
    };
    const [config, runtime] = await Promise.all([
      read('/config'),
      read('/runtime_config'),
    ]);
    const tenant = this.store.tenant ?? 'fake';
    const compactor = (config.compactor ?? {}) as {
      retention_enabled?: unknown;
    };
    if (compactor.retention_enabled !== true) {
      return {
        source: 'compactor.retention_enabled is false',
        notes: [
          'Loki deletes nothing by age; logs stay until the object store removes them (its lifecycle rules are not visible here)',
        ],
      };
    }
    const defaults = (config.limits_config ?? {}) as Limits;
    const overrides = (
      (runtime.overrides ?? {}) as Record<string, Limits | undefined>
    )[tenant];
    const fromTenant = overrides?.retention_period !== undefined;
    const period = lokiDuration(
      fromTenant
        ? overrides!.retention_period
        : defaults.retention_period ?? '0s',
      fromTenant
        ? `runtime_config overrides.${tenant}.retention_period`
        : 'limits_config.retention_period',
    );
    const streams =
      overrides?.retention_stream ?? defaults.retention_stream ?? [];
    const notes = streams.map(
      s =>
        `retention_stream ${String(s.selector)} keeps matching streams ${String(
          s.period,
        )}`,
    );
    const shortestStream = Math.min(
      ...streams.map(s => lokiDuration(s.period, 'retention_stream period')),
    );
    const source = fromTenant
      ? `runtime_config overrides.${tenant}.retention_period=${String(
          overrides!.retention_period,
        )}`
      : `limits_config.retention_period=${String(
          defaults.retention_period ?? '0s',
        )}`;
    const bounded = [period, shortestStream].filter(
      ms => ms > 0 && Number.isFinite(ms),
    );
    return {
      ...(bounded.length ? { ms: Math.min(...bounded) } : {}),
      source: streams.length
        ? `${source}, shortest retention_stream ${formatStreams(streams)}`
        : source,
      notes,
    };
  }
}

function formatStreams(streams: Limits['retention_stream'] = []): string {
  return streams.map(s => String(s.period)).join(', ');
}
