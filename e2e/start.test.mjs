// End-to-end: the README's start command brings up Backstage with the demo catalog.
// Runs scripts/start for real (its own process group), signs in as the guest user like the
// browser does and reads the catalog through the public API, then stops everything it started.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createConnection } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

const BACKEND = 'http://localhost:7007';
const FRONTEND = 'http://localhost:3000';
const STARTUP_LIMIT_MS = 300_000;
const logFile = new URL('../.data/test-results/start.log', import.meta.url);

function portInUse(port) {
  return new Promise(resolve => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(what, probe, child) {
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `scripts/start exited (${child.exitCode}) before ${what} was up; see ${logFile.pathname}`,
      );
    }
    if (await probe().catch(() => false)) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${what} not up within ${STARTUP_LIMIT_MS / 1000} s; see ${
      logFile.pathname
    }`,
  );
}

describe('scripts/start', () => {
  let child;
  let startedAt;
  const timings = {};

  before(
    async () => {
      for (const port of [3000, 7007]) {
        assert.equal(
          await portInUse(port),
          false,
          `port ${port} is already in use: stop the running Backstage first`,
        );
      }
      const log = createWriteStream(logFile);
      startedAt = Date.now();
      child = spawn('./scripts/start', [], {
        cwd: new URL('..', import.meta.url),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      await waitFor(
        'the backend',
        async () =>
          (
            await fetch(`${BACKEND}/.backstage/health/v1/readiness`)
          ).ok,
        child,
      );
      timings.backend = (Date.now() - startedAt) / 1000;
      await waitFor(
        'the frontend',
        async () => {
          const response = await fetch(FRONTEND);
          return (
            response.ok && (await response.text()).includes('<div id="root">')
          );
        },
        child,
      );
      timings.frontend = (Date.now() - startedAt) / 1000;
      console.log(
        `backend ready after ${timings.backend} s, frontend after ${timings.frontend} s`,
      );
    },
    { timeout: STARTUP_LIMIT_MS + 10_000 },
  );

  after(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGINT');
    const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    // Children of the process group (webpack, backend) must be gone too.
    for (const port of [3000, 7007]) {
      await waitFor(
        `port ${port} to close`,
        async () => !(await portInUse(port)),
        { exitCode: null },
      );
    }
  });

  /**
   * Whether the catalog reflects the demo files as they are now: the guest's team membership
   * (from org.yaml) and orders-db's backup annotations (from entities.yaml). A catalog kept in
   * .data/ from an earlier start re-reads changed files within its processing interval.
   */
  async function catalogCurrent(token) {
    const headers = { authorization: `Bearer ${token}` };
    const [guest, ordersDb] = await Promise.all(
      ['user/default/guest', 'resource/default/orders-db'].map(async path => {
        const response = await fetch(
          `${BACKEND}/api/catalog/entities/by-name/${path}`,
          { headers },
        );
        return response.ok ? response.json() : undefined;
      }),
    );
    return Boolean(
      guest?.relations?.some(r => r.type === 'memberOf') &&
        ordersDb?.metadata.annotations?.[
          'production-readiness.io/backup-location'
        ],
    );
  }

  async function guestToken() {
    const response = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    assert.equal(response.status, 200, await response.clone().text());
    const body = await response.json();
    return body.backstageIdentity;
  }

  it('lists the demo services and databases through the catalog API', async () => {
    const { token } = await guestToken();
    // On a first start the catalog ingests the demo files in the background.
    const deadline = Date.now() + 90_000;
    let names = [];
    while (Date.now() < deadline) {
      const response = await fetch(
        `${BACKEND}/api/catalog/entities?filter=kind=component&filter=kind=resource`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      assert.equal(response.status, 200);
      names = (await response.json()).map(e => e.metadata.name).sort();
      if (names.length >= 8 && (await catalogCurrent(token))) break;
      await new Promise(r => setTimeout(r, 1000));
    }
    assert.deepEqual(names, [
      'inventory-api',
      'inventory-db',
      'ledger-api',
      'ledger-db',
      'orders-api',
      'orders-db',
      'payments-api',
      'payments-db',
    ]);
  });

  it('signs the guest in as user:default/guest, a member of team-orders', async () => {
    // Membership comes from the catalog, which the previous test waited for.
    const identity = await guestToken();
    assert.equal(identity.identity.userEntityRef, 'user:default/guest');
    assert.deepEqual(identity.identity.ownershipEntityRefs.sort(), [
      'group:default/team-orders',
      'user:default/guest',
    ]);
  });

  it('evaluates a demo service on demand and answers its production gate', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const api = `${BACKEND}/api/production-readiness/entities/component/default/orders-api`;
    const refresh = await fetch(`${api}/refresh`, { method: 'POST', headers });
    assert.equal(refresh.status, 200, await refresh.clone().text());
    const report = await refresh.json();
    const statuses = Object.fromEntries(
      report.results.map(r => [r.checkId, r.status]),
    );
    assert.equal(statuses['documentation.owner'], 'pass');
    assert.equal(statuses['backup.dependencies-covered'], 'pass');

    const gate = await (await fetch(`${api}/gate`, { headers })).json();
    assert.deepEqual(
      {
        requiredLevel: gate.requiredLevel,
        allowed: gate.allowed,
        blocking: gate.blocking,
      },
      { requiredLevel: 'silver', allowed: true, blocking: [] },
    );
  });

  it("lets only an entity's owners re-run its checks (the app's permission policy)", async () => {
    const { token } = await guestToken();
    const response = await fetch(
      `${BACKEND}/api/production-readiness/entities/component/default/payments-api/refresh`,
      { method: 'POST', headers: { authorization: `Bearer ${token}` } },
    );
    assert.equal(response.status, 403);
  });

  it('refuses catalog reads without a token', async () => {
    const response = await fetch(`${BACKEND}/api/catalog/entities`);
    assert.equal(response.status, 401);
  });

  it('serves the frontend app', async () => {
    const html = await (await fetch(FRONTEND)).text();
    assert.match(html, /<title>Production Readiness for Backstage<\/title>/);
  });
});
