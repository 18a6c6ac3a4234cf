import { ServerResponse } from 'node:http';

/**
 * Ends a proxied response whose upstream failed: 502 before anything was sent, otherwise the
 * connection is cut. Headers cannot be sent twice, and a handler that throws during a
 * teardown fails whichever test runs then.
 */
export function answerBadGateway(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
  } else {
    res.writeHead(502).end();
  }
}
