import { z } from 'zod';
import { describeError } from '@production-readiness/plugin-production-readiness-node';
import { LogStoreConfig } from '../config';

/** What a store holds for one service in the lookback window. */
export interface ServiceLogStats {
  lines: number;
  /** Lines that arrived structured (with the level field) or whose message is a JSON object. */
  structured: number;
  /** Lines carrying the trace id field. */
  traced: number;
}

/** The three counts per service, in the order the stores' queries name them. */
export const SERVICE_LOG_COUNTS = ['lines', 'structured', 'traced'] as const;

/** Adds one count of one service to `stats`; a service first seen starts at zeros. */
export function addServiceCount(
  stats: Map<string, ServiceLogStats>,
  service: string,
  count: keyof ServiceLogStats,
  value: number,
): void {
  const entry = stats.get(service) ?? { lines: 0, structured: 0, traced: 0 };
  entry[count] = value;
  stats.set(service, entry);
}

/** How long a store keeps logs, as its own configuration says. */
export interface StoreRetention {
  /** Milliseconds; undefined when nothing in the store deletes logs by age. */
  ms?: number;
  /** Where the number comes from, e.g. `-retentionPeriod=30d`. */
  source: string;
  /** What may delete logs earlier (disk-space retention, stream rules). */
  notes: string[];
}

/**
 * One log store, read in a constant number of calls per refresh whatever the number of
 * services: the services' values are matched inside one grouped query, never one query each.
 */
export interface LogStoreClient {
  /** Per service value, the stats of its lines in the last `lookbackMs`; absent: no lines. */
  readServiceStats(
    services: string[],
    signal: AbortSignal,
  ): Promise<Map<string, ServiceLogStats>>;
  readRetention(signal: AbortSignal): Promise<StoreRetention>;
}

/** Headers every request to the store carries: tenant and credentials. */
function storeHeaders(store: LogStoreConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  if (store.auth.type === 'bearer') {
    headers.authorization = `Bearer ${store.auth.token}`;
  } else if (store.auth.type === 'basic') {
    headers.authorization = `Basic ${Buffer.from(
      `${store.auth.username}:${store.auth.password}`,
    ).toString('base64')}`;
  }
  if (store.tenant !== undefined) {
    if (store.type === 'loki') {
      headers['x-scope-orgid'] = store.tenant;
    } else {
      const [account, project] = store.tenant.split(':');
      headers.accountid = account;
      headers.projectid = project ?? '0';
    }
  }
  return headers;
}

/**
 * One request to a store; returns the body of a 2xx answer, throws naming the store, the path
 * and what went wrong otherwise.
 */
export async function requestStore(
  store: LogStoreConfig,
  path: string,
  options: {
    signal: AbortSignal;
    timeoutMs: number;
    form?: URLSearchParams;
  },
): Promise<string> {
  const where = `${store.type} store "${store.name}" (${store.url}${
    path.split('?')[0]
  })`;
  let response: Response;
  try {
    response = await fetch(`${store.url}${path}`, {
      method: options.form ? 'POST' : 'GET',
      headers: {
        ...storeHeaders(store),
        ...(options.form
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : {}),
      },
      body: options.form?.toString(),
      signal: AbortSignal.any([
        options.signal,
        AbortSignal.timeout(options.timeoutMs),
      ]),
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    const cause = (error as { cause?: unknown }).cause;
    throw new Error(
      `${where} did not answer: ${describeError(error)}${
        cause ? ` (${describeError(cause)})` : ''
      }`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `${where} answered ${response.status}: ${text.trim().slice(0, 200)}`,
    );
  }
  return text;
}

/** Parses a JSON answer, throwing with the store's name when it is not JSON. */
export function parseJsonAnswer(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(
      `${where} answered something that is not JSON: ${text
        .trim()
        .slice(0, 120)}`,
    );
  }
}

const vectorAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        value: z.tuple([z.number(), z.string()]),
      }),
    ),
  }),
});

/** One sample of an instant vector: its labels and value. */
export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

/**
 * Reads the instant vector both stores answer with (VictoriaLogs' `stats_query`, Loki's
 * `query`), throwing with the store's name when the answer has another shape.
 */
export function parseVectorAnswer(text: string, where: string): VectorSample[] {
  const parsed = vectorAnswer.safeParse(parseJsonAnswer(text, where));
  if (!parsed.success) {
    throw new Error(
      `${where} answered JSON that is not an instant vector (${parsed.error.issues
        .slice(0, 2)
        .map(i => `${i.path.join('.') || 'answer'}: ${i.message}`)
        .join('; ')})`,
    );
  }
  return parsed.data.data.result.map(r => ({
    labels: r.metric,
    value: Number(r.value[1]),
  }));
}
