import pRetry from 'p-retry';
import {
  PrometheusInstanceConfig,
  PrometheusModuleConfig,
  UpstreamEndpoint,
} from '../config';

/** Options shared by every upstream request. */
export interface UpstreamClientOptions {
  requestTimeoutMs: number;
  retries: number;
  maxResponseBytes: number;
  /** First retry delay; doubles on each retry. */
  retryMinDelayMs?: number;
}

/** A failed upstream request; the message names the system and endpoint, never credentials. */
export class UpstreamError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'UpstreamError';
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const causeText =
      cause instanceof Error && cause.message && cause.message !== e.message
        ? ` (${cause.message})`
        : '';
    return `${e.message}${causeText}`;
  }
  return String(e);
}

async function readLimited(
  response: Response,
  limit: number,
  where: string,
): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new UpstreamError(
      `${where} answered with ${declared} bytes, more than the limit of ${limit}`,
      false,
    );
  }
  if (!response.body) {
    return '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new UpstreamError(
        `${where} answered with more than the limit of ${limit} bytes`,
        false,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * JSON over HTTP to one upstream (a Prometheus or an Alertmanager): per-request timeout
 * combined with the caller's signal, retries with exponential backoff on network errors,
 * timeouts, 429 and 5xx, a response size limit, and errors that say which system and which
 * endpoint failed and how.
 */
export class UpstreamClient {
  private constructor(
    private readonly endpoint: UpstreamEndpoint,
    private readonly options: UpstreamClientOptions,
    private readonly onRequest?: (path: string) => void,
  ) {}

  static create(
    endpoint: UpstreamEndpoint,
    options: UpstreamClientOptions,
    onRequest?: (path: string) => void,
  ): UpstreamClient {
    return new UpstreamClient(endpoint, options, onRequest);
  }

  get displayName(): string {
    return this.endpoint.displayName;
  }

  get baseUrl(): string {
    return this.endpoint.baseUrl;
  }

  /** GET `path` (with `query` parameters) and parse JSON. */
  async getJson(
    path: string,
    signal: AbortSignal,
    query?: Record<string, string>,
  ): Promise<unknown> {
    const search = query ? `?${new URLSearchParams(query)}` : '';
    return this.request('GET', path, signal, search);
  }

  /** POST a form (Prometheus accepts long queries this way) and parse JSON. */
  async postForm(
    path: string,
    form: Record<string, string>,
    signal: AbortSignal,
  ): Promise<unknown> {
    return this.request('POST', path, signal, '', new URLSearchParams(form));
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal,
    search: string,
    body?: URLSearchParams,
  ): Promise<unknown> {
    const where = `${this.endpoint.displayName} ${method} ${path}`;
    const { requestTimeoutMs, retries, maxResponseBytes } = this.options;
    const attempt = async () => {
      if (signal.aborted) {
        throw new pRetry.AbortError(
          `${where}: cancelled (${describe(signal.reason)})`,
        );
      }
      this.onRequest?.(path);
      let response: Response;
      try {
        response = await fetch(`${this.endpoint.baseUrl}${path}${search}`, {
          method,
          headers: {
            Accept: 'application/json',
            ...this.endpoint.headers,
            ...(body
              ? { 'Content-Type': 'application/x-www-form-urlencoded' }
              : {}),
          },
          body,
          redirect: 'error',
          signal: AbortSignal.any([
            signal,
            AbortSignal.timeout(requestTimeoutMs),
          ]),
        });
      } catch (e) {
        if (signal.aborted) {
          throw new pRetry.AbortError(
            `${where}: cancelled (${describe(signal.reason)})`,
          );
        }
        // DOMException is not always an `Error` of this realm: compare names only.
        const name = (e as { name?: unknown } | undefined)?.name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        throw new UpstreamError(
          timedOut
            ? `${where}: no answer within ${requestTimeoutMs} ms`
            : `${where}: ${describe(e)}`,
          true,
        );
      }
      let text: string;
      try {
        text = await readLimited(response, maxResponseBytes, where);
      } catch (e) {
        if (e instanceof UpstreamError) {
          throw new pRetry.AbortError(e.message);
        }
        throw new UpstreamError(
          `${where}: reading the answer failed: ${describe(e)}`,
          true,
        );
      }
      if (!response.ok) {
        const retryable = response.status === 429 || response.status >= 500;
        const detail = upstreamErrorDetail(text);
        const error = new UpstreamError(
          `${where}: HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
          retryable,
        );
        throw retryable ? error : new pRetry.AbortError(error.message);
      }
      try {
        return JSON.parse(text);
      } catch {
        throw new pRetry.AbortError(
          `${where}: answered with something that is not JSON (content-type ${
            response.headers.get('content-type') ?? 'none'
          }, starts with ${JSON.stringify(text.slice(0, 40))})`,
        );
      }
    };
    try {
      return await pRetry(attempt, {
        retries,
        minTimeout: this.options.retryMinDelayMs ?? 250,
        factor: 2,
        randomize: true,
      });
    } catch (e) {
      throw new UpstreamError(describe(e), false);
    }
  }
}

/** The `error` field of a Prometheus or Alertmanager error body, shortened. */
function upstreamErrorDetail(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    const message = parsed.error ?? parsed.message;
    if (typeof message === 'string') {
      return message.slice(0, 300);
    }
  } catch {
    // not JSON: fall through
  }
  const trimmed = text.trim();
  return trimmed ? trimmed.slice(0, 120) : undefined;
}

/**
 * One client per configured instance, by instance name, for the endpoint `endpointOf` picks
 * (its Prometheus by default, or its Alertmanager); instances without that endpoint get none.
 */
export function createUpstreamClients(
  config: PrometheusModuleConfig,
  endpointOf: (
    instance: PrometheusInstanceConfig,
  ) => UpstreamEndpoint | undefined = instance => instance.prometheus,
): Map<string, UpstreamClient> {
  const clients = new Map<string, UpstreamClient>();
  for (const instance of config.instances.values()) {
    const endpoint = endpointOf(instance);
    if (endpoint) {
      clients.set(
        instance.name,
        UpstreamClient.create(endpoint, {
          requestTimeoutMs: config.requestTimeoutMs,
          retries: config.retries,
          maxResponseBytes: config.maxResponseBytes,
        }),
      );
    }
  }
  return clients;
}
