import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Where GitHub's error answers point. */
export const DOCS = 'https://docs.github.com/rest';

/** An answer with GitHub's error shape: `{ message, documentation_url }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A request that no route answers: 404 and recorded as unhandled. */
export class NoRouteError extends Error {}

/** What a route sees of a request. */
export interface Context {
  method: string;
  url: URL;
  params: string[];
  body: any;
  headers: IncomingHttpHeaders;
}

/** What a route answers. */
export interface Reply {
  status: number;
  json?: unknown;
  body?: Buffer;
  headers?: Record<string, string>;
}

/** One REST route of the stand-in. */
export interface Route {
  method: string;
  pattern: RegExp;
  /** Query parameters the route implements; any other one is refused loudly. */
  query?: string[];
  /** Mutating routes run one at a time, so ref checks and PR numbers stay consistent. */
  exclusive?: boolean;
  auth?: 'header' | 'none';
  handle(ctx: Context): Promise<Reply>;
}

export const json = (status: number, value: unknown): Reply => ({
  status,
  json: value,
});

/**
 * GitHub's conditional requests: every JSON answer to a GET carries an `ETag`, and a request
 * whose `If-None-Match` names it is answered `304 Not Modified` without a body (GitHub does
 * not count those against the rate limit).
 */
export function conditionalReply(
  reply: Reply,
  ifNoneMatch: string | undefined,
): Reply {
  const etag = `"${createHash('sha256')
    .update(JSON.stringify(reply.json))
    .digest('hex')
    .slice(0, 40)}"`;
  const named = (ifNoneMatch ?? '')
    .split(',')
    .map(tag => tag.trim().replace(/^W\//, ''));
  if (named.includes(etag) || named.includes('*')) {
    return { status: 304, headers: { ...reply.headers, etag } };
  }
  return { ...reply, headers: { ...reply.headers, etag } };
}

/** GitHub's `per_page` (1 to 100, default 30) and `page` (from 1) of a list request. */
export function pageOf(url: URL): { perPage: number; page: number } {
  const perPage = Math.min(
    100,
    Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30),
  );
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  return { perPage, page };
}
