import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** A pass-through proxy in front of a real server, counting what goes through it. */
export interface CountingProxy {
  /** Base URL to give the client instead of the server's. */
  url: string;
  /** Requests per path (query left out). */
  counts: Map<string, number>;
  /** Request body bytes, all paths together. */
  bodyBytes(): number;
  /** Sets the counts back to zero. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free loopback port that forwards every request to `target` and counts
 * it, so a test or benchmark counts exactly the calls a client made (servers' own request
 * counters may be cached, as VictoriaLogs caches its /metrics for seconds).
 */
export async function startCountingProxy(
  target: string,
): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  let bytes = 0;
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    bytes += body.length;
    try {
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: body.length ? body : undefined,
      });
      res
        .writeHead(upstream.status)
        .end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    bodyBytes: () => bytes,
    reset() {
      counts.clear();
      bytes = 0;
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
