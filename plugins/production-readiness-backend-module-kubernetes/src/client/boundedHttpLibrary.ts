import * as http from 'node:http';
import * as https from 'node:https';
import {
  HttpLibrary,
  RequestContext,
  ResponseContext,
  wrapHttpLibrary,
} from '@kubernetes/client-node';

/** A request cut short by the refresh's signal or the per-request time limit. */
export class RequestStoppedError extends Error {
  readonly name = 'RequestStoppedError';
}

/** Why a request was cut short, for messages. */
export function describeAbort(reason: unknown, timeoutMs: number): string {
  // Compared by name: AbortSignal.timeout's DOMException may come from another realm.
  const error = reason as { name?: unknown; message?: unknown } | undefined;
  if (error?.name === 'TimeoutError') {
    return `timed out after ${timeoutMs} ms`;
  }
  return typeof error?.message === 'string' && error.message
    ? error.message
    : 'aborted';
}

/**
 * The client's transport, replaced so that every request honours the refresh's AbortSignal
 * plus a per-request time limit, and refuses bodies larger than `maxBytes` instead of
 * buffering whatever a broken or hostile server sends. Requests go through the cluster's
 * keep-alive `agent` (which carries its TLS settings), not the fresh agent `KubeConfig` puts
 * on every request context, which would open a new connection per page. A request that is
 * aborted or cut short destroys its socket, so only cleanly finished connections are reused.
 */
export function createBoundedHttpLibrary(options: {
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  agent: http.Agent;
}): HttpLibrary {
  const { timeoutMs, maxBytes } = options;
  const send = (request: RequestContext) =>
    new Promise<ResponseContext>((resolve, reject) => {
      const signal = AbortSignal.any([
        options.signal,
        AbortSignal.timeout(timeoutMs),
      ]);
      if (signal.aborted) {
        reject(
          new RequestStoppedError(describeAbort(signal.reason, timeoutMs)),
        );
        return;
      }
      const url = new URL(request.getUrl());
      const transport = url.protocol === 'https:' ? https : http;
      const fail = (error: Error) =>
        reject(
          signal.aborted
            ? new RequestStoppedError(describeAbort(signal.reason, timeoutMs))
            : error,
        );
      const req = transport.request(
        url,
        {
          method: request.getHttpMethod(),
          headers: request.getHeaders(),
          agent: options.agent,
          signal,
        },
        res => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              res.destroy(
                new Error(`response body is larger than ${maxBytes} bytes`),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const headers: { [key: string]: string } = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) {
                headers[name] = Array.isArray(value) ? value.join(', ') : value;
              }
            }
            resolve(
              new ResponseContext(res.statusCode ?? 0, headers, {
                text: async () => body.toString('utf8'),
                binary: async () => body,
              }),
            );
          });
        },
      );
      req.on('error', fail);
      const body = request.getBody();
      req.end(typeof body === 'string' ? body : undefined);
    });
  return wrapHttpLibrary({ send });
}
