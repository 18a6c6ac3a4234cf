import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import client from 'prom-client';

const serviceName = process.env.SERVICE_NAME ?? 'service';
// The latency SLO threshold must be a histogram bucket, so the SLO rules can count it.
const sloLatencySeconds = Number(process.env.SLO_LATENCY_SECONDS ?? '0.3');

/** One JSON object per line on stdout: the cluster's log collector does the rest. */
export function log(
  level: 'info' | 'warn' | 'error',
  msg: string,
  fields: Record<string, unknown> = {},
) {
  process.stdout.write(
    `${JSON.stringify({
      time: new Date().toISOString(),
      level,
      service: serviceName,
      msg,
      ...fields,
    })}\n`,
  );
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The trace id of a request: the caller's, from its W3C `traceparent` header, or a new one.
 * Every request log line carries it, so one request can be followed across services.
 */
export function traceIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const header = req.headers.traceparent;
  const match =
    typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  return match && !/^0+$/.test(match[1])
    ? match[1]
    : randomBytes(16).toString('hex');
}

export function createApp(registry = new client.Registry()): {
  server: Server;
  setReady(ready: boolean): void;
} {
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['method', 'route', 'code'],
    registers: [registry],
  });
  const buckets = [
    ...new Set([
      0.005,
      0.01,
      0.025,
      0.05,
      0.1,
      0.25,
      sloLatencySeconds,
      0.5,
      1,
      2.5,
      5,
      10,
    ]),
  ].sort((a, b) => a - b);
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'code'],
    buckets,
    registers: [registry],
  });
  let ready = false;

  const routes: Record<
    string,
    (req: IncomingMessage, res: ServerResponse) => Promise<void> | void
  > = {
    '/healthz': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    },
    '/readyz': (_req, res) => {
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ready ? 'ready' : 'not ready');
    },
    '/metrics': async (_req, res) => {
      res
        .writeHead(200, { 'content-type': registry.contentType })
        .end(await registry.metrics());
    },
    '/': (_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ service: serviceName }));
    },
  };

  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = routes[path];
    const route = handler ? path : 'unmatched';
    const traceId = traceIdOf(req);
    try {
      if (handler) {
        await handler(req, res);
      } else {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"error":"not found"}');
      }
    } catch (error) {
      log('error', 'request failed', {
        path,
        error: String(error),
        trace_id: traceId,
      });
      if (!res.headersSent) res.writeHead(500).end();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = {
        method: req.method ?? 'GET',
        route,
        code: String(res.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, seconds);
      if (route !== '/healthz' && route !== '/readyz' && route !== '/metrics') {
        log('info', 'request', {
          ...labels,
          durationMs: Math.round(seconds * 1000),
          trace_id: traceId,
        });
      }
    }
  });
  return { server, setReady: value => (ready = value) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? '8080');
  const { server, setReady } = createApp();
  server.listen(port, () => {
    setReady(true);
    log('info', 'listening', { port });
  });
  // Kubernetes sends SIGTERM: stop taking traffic, finish what is in flight, exit.
  process.on('SIGTERM', () => {
    setReady(false);
    log('info', 'shutting down');
    server.close(() => process.exit(0));
  });
}
