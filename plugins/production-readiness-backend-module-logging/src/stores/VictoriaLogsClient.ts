import { LogStoreConfig } from '../config';
import {
  addServiceCount,
  LogStoreClient,
  parseVectorAnswer,
  requestStore,
  SERVICE_LOG_COUNTS,
  ServiceLogStats,
  StoreRetention,
} from './LogStoreClient';
import { parseRetentionFlag } from './retentionFlag';

/**
 * A LogsQL quoted string holding exactly `value`. LogsQL unquotes with Go's `strconv.Unquote`,
 * which reads every escape JSON.stringify writes; values are validated as well-formed Unicode
 * before they get here, so no lone surrogate reaches the store.
 */
export function logsqlString(value: string): string {
  return JSON.stringify(value);
}

/** The message of a line is a JSON object (a shipper sent it unparsed). */
const JSON_MESSAGE = `_msg:~${logsqlString('^\\s*\\{')}`;

/**
 * The one LogsQL query that answers lines, structured lines and traced lines per service for
 * every service of the store: a message that is a JSON object is unpacked first, so its trace
 * id counts whether the shipper parsed it or not.
 */
export function victoriaLogsStatsQuery(
  store: Pick<LogStoreConfig, 'serviceField' | 'levelField' | 'traceIdField'>,
  services: string[],
  lookbackMs: number,
): string {
  const service = logsqlString(store.serviceField);
  const level = logsqlString(store.levelField);
  const trace = logsqlString(store.traceIdField);
  const values = [...new Set(services)].sort().map(logsqlString).join(',');
  return [
    `_time:${Math.ceil(lookbackMs / 1000)}s ${service}:in(${values})`,
    `unpack_json if (${JSON_MESSAGE}) from _msg fields (${level}, ${trace}) keep_original_fields`,
    `stats by (${service}) count() as lines, count() if (${level}:* or ${JSON_MESSAGE}) as structured, count() if (${trace}:*) as traced`,
  ].join(' | ');
}

/** VictoriaLogs flags as its `/metrics` shows them: `flag{name="…", value="…", is_set="…"} 1`. */
function readFlags(
  metrics: string,
): Map<string, { value: string; set: boolean }> {
  const flags = new Map<string, { value: string; set: boolean }>();
  for (const m of metrics.matchAll(
    /^flag\{name="([^"]+)", value="([^"]*)", is_set="(true|false)"\}/gm,
  )) {
    flags.set(m[1], { value: m[2], set: m[3] === 'true' });
  }
  return flags;
}

/** VictoriaLogs over its HTTP API: `stats_query` for the services, `/metrics` for retention. */
export class VictoriaLogsClient implements LogStoreClient {
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
    const path = '/select/logsql/stats_query';
    const text = await requestStore(this.store, path, {
      signal,
      timeoutMs: this.options.timeoutMs,
      form: new URLSearchParams({
        query: victoriaLogsStatsQuery(
          this.store,
          services,
          this.options.lookbackMs,
        ),
      }),
    });
    for (const sample of parseVectorAnswer(
      text,
      `VictoriaLogs store "${this.store.name}" (${path})`,
    )) {
      const service = sample.labels[this.store.serviceField];
      const count = SERVICE_LOG_COUNTS.find(c => c === sample.labels.__name__);
      if (service !== undefined && count !== undefined) {
        addServiceCount(stats, service, count, sample.value);
      }
    }
    return stats;
  }

  async readRetention(signal: AbortSignal): Promise<StoreRetention> {
    const flags = readFlags(
      await requestStore(this.store, '/metrics', {
        signal,
        timeoutMs: this.options.timeoutMs,
      }),
    );
    const period = flags.get('retentionPeriod');
    if (!period) {
      throw new Error(
        `VictoriaLogs store "${this.store.name}" shows no retentionPeriod flag at /metrics: is ${this.store.url} a VictoriaLogs single node? (a cluster's vlselect does not show its storage nodes' flags)`,
      );
    }
    const ms = parseRetentionFlag(period.value);
    if (ms === undefined) {
      throw new Error(
        `VictoriaLogs store "${this.store.name}" shows -retentionPeriod="${period.value}", which is not a duration`,
      );
    }
    const notes: string[] = [];
    const bytes = flags.get('retention.maxDiskSpaceUsageBytes');
    if (bytes?.set && bytes.value !== '0') {
      notes.push(
        `-retention.maxDiskSpaceUsageBytes=${bytes.value} drops the oldest days when the disk use exceeds it`,
      );
    }
    const percent = flags.get('retention.maxDiskUsagePercent');
    if (percent?.set && percent.value !== '0') {
      notes.push(
        `-retention.maxDiskUsagePercent=${percent.value} drops the oldest days when the disk fills beyond it`,
      );
    }
    return {
      ms,
      source: `-retentionPeriod=${period.value}${
        period.set ? '' : ' (default)'
      }`,
      notes,
    };
  }
}
