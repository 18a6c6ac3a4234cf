import { answerBadGateway } from '@internal/test-servers';
import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A loopback HTTP proxy that counts the requests it forwards, to measure upstream calls. */
export interface CountingProxy {
  baseUrl: string;
  /** Requests forwarded since the last reset, as `METHOD path?query`. */
  requests: string[];
  reset(): void;
  stop(): Promise<void>;
}

export async function startCountingProxy(
  target: string,
): Promise<CountingProxy> {
  const upstream = new URL(target);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      upstreamRes => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forwarded.on('error', () => answerBadGateway(res));
    req.pipe(forwarded);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    reset: () => {
      requests.length = 0;
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
