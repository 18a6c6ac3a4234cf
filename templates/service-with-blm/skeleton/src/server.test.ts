import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createApp, traceIdOf } from './server.js';

const { server, setReady } = createApp();
let base = '';

before(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('readiness follows the ready flag', async () => {
  assert.equal((await fetch(`${base}/readyz`)).status, 503);
  setReady(true);
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
});

test('requests are counted by route and code', async () => {
  await fetch(`${base}/`);
  await fetch(`${base}/nope`);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(
    metrics,
    /http_requests_total\{method="GET",route="\/",code="200"\} 1/,
  );
  assert.match(
    metrics,
    /http_requests_total\{method="GET",route="unmatched",code="404"\} 1/,
  );
  assert.match(metrics, /http_request_duration_seconds_bucket\{le="0.3"/);
});

test("request lines carry the caller's W3C trace id, or a new one", () => {
  const id = '4bf92f3577b34da6a3ce929d0e0e4736';
  assert.equal(
    traceIdOf({ headers: { traceparent: `00-${id}-00f067aa0ba902b7-01` } }),
    id,
  );
  for (const traceparent of [
    undefined,
    'garbage',
    `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
  ]) {
    const fresh = traceIdOf({ headers: { traceparent } });
    assert.match(fresh, /^[\da-f]{32}$/);
    assert.notEqual(fresh, '0'.repeat(32));
  }
});
