import type { UpstreamClient } from './UpstreamClient';

/** One sample of an instant vector. */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/** The samples of a `/api/v1/query` answer; throws naming `what` when it is not a vector. */
export function parseVector(body: unknown, what: string): VectorSample[] {
  const { status, data } = (body ?? {}) as {
    status?: string;
    data?: { resultType?: string; result?: unknown };
  };
  if (status !== 'success' || !data || !Array.isArray(data.result)) {
    throw new Error(`${what} answer has no data.result`);
  }
  if (data.resultType !== 'vector') {
    throw new Error(
      `${what} returned a ${data.resultType}, not an instant vector grouped by label`,
    );
  }
  return (data.result as Array<{ metric?: unknown; value?: unknown }>).map(
    s => ({
      metric: (s.metric as Record<string, string>) ?? {},
      value: Number((s.value as [number, string] | undefined)?.[1]),
    }),
  );
}

/** Runs instant queries on one instance, each answer parsed as a vector, in query order. */
export function queryVectors(
  client: UpstreamClient,
  queries: string[],
  signal: AbortSignal,
): Promise<VectorSample[][]> {
  return Promise.all(
    queries.map(async query =>
      parseVector(
        await client.postForm('/api/v1/query', { query }, signal),
        `${client.displayName} query ${query}`,
      ),
    ),
  );
}
