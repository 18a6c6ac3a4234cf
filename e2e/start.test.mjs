// End-to-end: the README's start command brings up Backstage with the demo catalog and the
// demo stack (real Prometheus, Alertmanager, S3 with real pgBackRest backups, the Kubernetes
// API stand-in). Runs scripts/start for real (its own process group), signs in as the guest
// user like the browser does, checks the demo services' readiness through the public API and
// in Chromium, then stops everything it started.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, signInAsGuest } from './tools/browser.mjs';

const BACKEND = 'http://localhost:7007';
const FRONTEND = 'http://localhost:3000';
const STARTUP_LIMIT_MS = 300_000;
const logFile = new URL('../.data/test-results/start.log', import.meta.url);
const stackFile = new URL('../.data/demo/stack.json', import.meta.url);
const API = `${BACKEND}/api/production-readiness/entities`;

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
  /** `.data/demo/stack.json`: what the demo stack started, where. */
  let stack;
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
      stack = JSON.parse(readFileSync(stackFile, 'utf8'));
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
    // Children of the process group (webpack, backend, the demo stack's servers) must be gone too.
    const demoPorts = Object.values(stack?.urls ?? {})
      .filter(Boolean)
      .map(url => Number(new URL(url).port));
    for (const port of [3000, 7007, ...demoPorts]) {
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

  it('runs every demo system on loopback and labels the Kubernetes API as the only simulated one', () => {
    for (const [name, url] of Object.entries(stack.urls)) {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, name);
    }
    for (const name of ['Prometheus', 'Alertmanager', 'S3 server']) {
      assert.match(
        stack.status[name],
        /\(real/,
        `${name}: ${stack.status[name]}`,
      );
    }
    assert.match(stack.status.Backups, /pgBackRest repos of orders-db/);
    assert.match(stack.status['Kubernetes API'], /SIMULATED/);
  });

  /** When each entity was last refreshed on demand (the engine allows one per 30 s). */
  const refreshedAt = {};

  async function refresh(ref, headers) {
    refreshedAt[ref] = Date.now();
    const response = await fetch(`${API}/${ref}/refresh`, {
      method: 'POST',
      headers,
    });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  }

  /** The report once the engine evaluated the entity during this start (scheduled run). */
  async function currentReport(ref, headers) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const response = await fetch(`${API}/${ref}/report`, { headers });
      assert.equal(response.status, 200, await response.clone().text());
      const report = await response.json();
      if (report.evaluatedAt && Date.parse(report.evaluatedAt) >= startedAt) {
        return report;
      }
      assert.ok(
        Date.now() < deadline,
        `${ref} was not evaluated within 120 s of the catalog being ready`,
      );
      await new Promise(r => setTimeout(r, 2000));
    }
  }

  const byCheck = report =>
    Object.fromEntries(report.results.map(r => [r.checkId, r]));

  it('shows orders-api at gold with live checks from every module, and its gate open', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    // A component follows the backups of its databases: evaluate the database first (a
    // fresh start may not have evaluated it yet).
    await refresh('resource/default/orders-db', headers);
    const report = await refresh('component/default/orders-api', headers);
    const checks = byCheck(report);
    const notPassing = report.results
      .filter(r => r.status !== 'pass')
      .map(r => `${r.checkId}: ${r.status} ${r.summary}`);
    assert.deepEqual(notPassing, []);
    // Live sources, not only catalog data: Kubernetes, Prometheus/Alertmanager, backups.
    for (const id of [
      'documentation.owner',
      'availability.pod-disruption-budget',
      'security.ingress-tls',
      'monitoring.prometheus-scraped',
      'monitoring.alert-routing',
      'monitoring.dead-mans-switch',
      'backup.dependencies-covered',
      'backup.dependencies-healthy',
    ]) {
      assert.equal(checks[id]?.status, 'pass', id);
    }
    assert.match(checks['monitoring.alert-routing'].summary, /team-orders/);

    const gate = await (
      await fetch(`${API}/component/default/orders-api/gate`, { headers })
    ).json();
    assert.deepEqual(
      {
        requiredLevel: gate.requiredLevel,
        achievedLevel: gate.achievedLevel,
        allowed: gate.allowed,
        blocking: gate.blocking,
      },
      {
        requiredLevel: 'silver',
        achievedLevel: 'gold',
        allowed: true,
        blocking: [],
      },
    );

    const db = byCheck(
      await currentReport('resource/default/orders-db', headers),
    );
    for (const id of [
      'backup.fresh',
      'backup.size-sane',
      'backup.restore-tested',
      'backup.restore-within-rto',
      'backup.pitr-wal',
    ]) {
      assert.equal(db[id]?.status, 'pass', `${id}: ${db[id]?.summary}`);
    }
  });

  it('fails inventory-api for its empty newest backup and alerts that reach only the default receiver', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    await refresh('resource/default/inventory-db', headers);
    const checks = byCheck(
      await refresh('component/default/inventory-api', headers),
    );
    assert.equal(checks['monitoring.alert-routing'].status, 'fail');
    assert.match(
      checks['monitoring.alert-routing'].summary,
      /only the default receiver "default-catchall"/,
    );
    assert.equal(checks['backup.dependencies-healthy'].status, 'fail');
    assert.match(
      checks['backup.dependencies-healthy'].summary,
      /inventory-db.*holds 0 B/,
    );
    const db = byCheck(
      await currentReport('resource/default/inventory-db', headers),
    );
    assert.equal(db['backup.size-sane'].status, 'fail');
    assert.match(db['backup.size-sane'].summary, /the location holds 0 B/);
  });

  it('fails payments-api for its missing PodDisruptionBudget and restore test', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const report = await currentReport(
      'component/default/payments-api',
      headers,
    );
    const checks = byCheck(report);
    assert.equal(checks['availability.pod-disruption-budget'].status, 'fail');
    assert.match(
      checks['availability.pod-disruption-budget'].summary,
      /No PodDisruptionBudget for Deployment shop\/payments-api/,
    );
    assert.equal(checks['backup.dependencies-healthy'].status, 'fail');
    assert.match(
      checks['backup.dependencies-healthy'].summary,
      /payments-db.*No restore-test records/,
    );
    assert.deepEqual(
      report.results
        .filter(r => r.status !== 'pass')
        .map(r => r.checkId)
        .sort(),
      ['availability.pod-disruption-budget', 'backup.dependencies-healthy'],
    );
    const db = byCheck(
      await currentReport('resource/default/payments-db', headers),
    );
    assert.equal(db['backup.restore-tested'].status, 'fail');
    assert.equal(db['backup.fresh'].status, 'pass');
  });

  it('blocks ledger-api on ledger-db, whose newest backup is older than its RPO', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const checks = byCheck(
      await currentReport('component/default/ledger-api', headers),
    );
    assert.equal(checks['backup.dependencies-healthy'].status, 'fail');
    assert.match(
      checks['backup.dependencies-healthy'].summary,
      /ledger-db.*older than the RPO/,
    );
    const gate = await (
      await fetch(`${API}/component/default/ledger-api/gate`, { headers })
    ).json();
    assert.equal(gate.allowed, false);
    assert.deepEqual(
      gate.blocking.map(b => b.checkId),
      ['backup.dependencies-healthy'],
    );
    const db = byCheck(
      await currentReport('resource/default/ledger-db', headers),
    );
    assert.equal(db['backup.fresh'].status, 'fail');
    // The stack moves ledger-db's backups 3 days back when it takes them and reuses them for
    // 12 hours, so a later start sees them 3 days and some hours old.
    assert.match(
      db['backup.fresh'].summary,
      /finished 3d( \d+h)? ago, older than the RPO of 1d/,
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

  it('shows the statuses in the Production Readiness tab and re-runs the checks from it', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({
        viewport: { width: 1400, height: 1000 },
      });
      await signInAsGuest(page, FRONTEND);

      const tab = name =>
        `${FRONTEND}/catalog/default/component/${name}/production-readiness`;
      await page.goto(tab('payments-api'));
      await page
        .getByText(/Production gate: blocked by 2 check/)
        .waitFor({ timeout: 60_000 });
      await page
        .getByText('No PodDisruptionBudget for Deployment shop/payments-api', {
          exact: false,
        })
        .first()
        .waitFor();
      // Team Payments owns payments-api; the guest (Team Orders) may not re-run its checks.
      assert.equal(
        await page.getByRole('button', { name: 'Re-run checks' }).count(),
        0,
      );

      await page.goto(tab('orders-api'));
      await page.getByText('gold', { exact: true }).first().waitFor({
        timeout: 60_000,
      });
      await page
        .getByText('All 8 alerts reach the owner', { exact: false })
        .first()
        .waitFor();

      // The engine allows one on-demand refresh per entity every 30 s.
      const wait =
        (refreshedAt['component/default/orders-api'] ?? 0) +
        31_000 -
        Date.now();
      if (wait > 0) await new Promise(r => setTimeout(r, wait));
      const { token } = await guestToken();
      const headers = { authorization: `Bearer ${token}` };
      const before = (
        await (
          await fetch(`${API}/component/default/orders-api/report`, { headers })
        ).json()
      ).evaluatedAt;
      await page.getByRole('button', { name: 'Re-run checks' }).click();
      await page
        .getByRole('button', { name: 'Re-run checks' })
        .waitFor({ timeout: 60_000 });
      assert.equal(
        await page.getByText('Re-running the checks failed').count(),
        0,
      );
      const after = (
        await (
          await fetch(`${API}/component/default/orders-api/report`, { headers })
        ).json()
      ).evaluatedAt;
      assert.ok(
        Date.parse(after) > Date.parse(before),
        `evaluatedAt ${before} -> ${after}`,
      );
      await page.getByText('gold', { exact: true }).first().waitFor();
    } finally {
      await browser.close();
    }
  });

  it('lists the fleet worst first, searches it and exports what is shown as CSV', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({
        viewport: { width: 1400, height: 1000 },
        acceptDownloads: true,
      });
      await signInAsGuest(page, FRONTEND);
      await page.goto(`${FRONTEND}/production-readiness`);
      await page.getByText('9 entities').waitFor({ timeout: 60_000 });
      const rows = page.locator('tbody tr:has(a)');
      await rows.first().waitFor();
      const scores = await rows.evaluateAll(trs =>
        trs.map(tr => Number(tr.children[3]?.textContent?.replace('%', ''))),
      );
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => a - b),
        'worst scores come first',
      );

      await page.getByPlaceholder('Filter').fill('ledger');
      await page.waitForFunction(
        () => document.querySelectorAll('tbody tr:has(a)').length === 2,
      );
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: /Export CSV/ }).click(),
      ]);
      const csv = (
        await new Response(await download.createReadStream()).text()
      ).split('\r\n');
      assert.match(
        csv[0],
        /^entity,kind,owner,lifecycle,score,level,required,gate,/,
      );
      assert.deepEqual(
        csv
          .slice(1)
          .map(line => line.split(',')[0])
          .sort(),
        ['component:default/ledger-api', 'resource:default/ledger-db'],
      );
    } finally {
      await browser.close();
    }
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
