// End-to-end: the README's start command brings up Backstage with the demo catalog and the
// demo stack (real Prometheus, Alertmanager, S3 with real pgBackRest backups, the Kubernetes
// API stand-in). Runs scripts/start for real (its own process group), signs in as the guest
// user like the browser does, checks the demo services' readiness through the public API and
// in Chromium (tab, fleet page, and a dry-run of the service template in the Template
// Editor), then stops everything it started.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, signInAsGuest } from './tools/browser.mjs';
import {
  dryRunResults,
  fillServiceWithBlmForm,
  openResultFile,
  openTemplateDirectory,
  provideDirectoryPicker,
  readTemplateDirectory,
  runDryRun,
  serviceWithBlmValues,
} from './tools/templateEditor.mjs';

const BACKEND = 'http://localhost:7007';
const FRONTEND = 'http://localhost:3000';
const STARTUP_LIMIT_MS = 300_000;
const logFile = new URL('../.data/test-results/start.log', import.meta.url);
const stackFile = new URL('../.data/demo/stack.json', import.meta.url);
const API = `${BACKEND}/api/production-readiness/entities`;
const tab = name =>
  `${FRONTEND}/catalog/default/component/${name}/production-readiness`;
const resultsDir = new URL('../.data/test-results/', import.meta.url);
const templateDir = new URL('../templates/service-with-blm/', import.meta.url);

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

const escapeRegExp = text => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A summary as the tab shows it: the API writes points in time (`2026-12-05T18:00:00Z`), the
 * tab shows them as ages (`3d 2h ago`, `just now`, `in 5d`).
 */
const SUMMARY_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g;
const shownSummary = summary =>
  new RegExp(
    summary
      .split(SUMMARY_TIME)
      .map(escapeRegExp)
      .join('(?:(?:\\d+[dhms] ?)+ ago|just now|in (?:\\d+[dhms] ?)+)'),
  );

/** Retries `assertion` until it passes (UI state that settles after a click), then gives up. */
async function eventually(assertion, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * One Chromium context for the browser tests, signed in as the guest once (the app remembers
 * the choice); each test gets its own page. Reusing the context spares a sign-in and a cold
 * load of the development bundle per test.
 */
const chromium = {
  browser: undefined,
  context: undefined,
  async page() {
    if (!this.context) {
      this.browser ??= await launchChromium();
      const context = await this.browser.newContext({
        viewport: { width: 1400, height: 1000 },
      });
      const first = await context.newPage();
      await signInAsGuest(first, FRONTEND);
      await first.close();
      this.context = context;
    }
    return this.context.newPage();
  },
  async close() {
    await this.browser?.close();
  },
};

/** Runs `use(page)` in a new page of the signed-in context, then closes the page. */
async function withGuestPage(use, { beforeOpen } = {}) {
  const page = await chromium.page();
  try {
    await beforeOpen?.(page);
    return await use(page);
  } finally {
    await page.close();
  }
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
    await chromium.close();
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
      if (names.length >= 12 && (await catalogCurrent(token))) break;
      await new Promise(r => setTimeout(r, 1000));
    }
    assert.deepEqual(names, [
      'careless-worker',
      'inventory-api',
      'inventory-db',
      'invoice-batch',
      'ledger-api',
      'ledger-api-v2',
      'ledger-db',
      'orders-api',
      'orders-db',
      'payments-api',
      'payments-db',
      'warehouse-db',
    ]);
  });

  it('signs the guest in as user:default/guest, a member of team-orders and the platform team', async () => {
    // Membership comes from the catalog: on a reused database the guest's new groups appear
    // once the catalog has processed examples/org.yaml again.
    let identity = await guestToken();
    for (
      const deadline = Date.now() + 120_000;
      identity.identity.ownershipEntityRefs.length < 3 && Date.now() < deadline;
      identity = await guestToken()
    ) {
      await new Promise(r => setTimeout(r, 1000));
    }
    assert.equal(identity.identity.userEntityRef, 'user:default/guest');
    assert.deepEqual(identity.identity.ownershipEntityRefs.sort(), [
      'group:default/platform',
      'group:default/team-orders',
      'user:default/guest',
    ]);
  });

  it('runs every demo system on loopback and labels the Kubernetes and GitHub APIs as the only simulated ones', () => {
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
    assert.match(
      stack.status.Patroni,
      /\(real; orders-db's cluster: member-1 leader running, member-2 replica (streaming|running)/,
    );
    assert.match(stack.status.postgres_exporter, /\(real; orders-db's members/);
    assert.match(
      stack.status.HAProxy,
      /\(real; backend orders-db-primary to orders-db's leader/,
    );
    assert.match(stack.status['Kubernetes API'], /SIMULATED/);
    assert.match(
      stack.status['GitHub API'],
      /SIMULATED: a stand-in for github\.demo\.example with real git repositories/,
    );
    assert.deepEqual(
      Object.entries(stack.status)
        .filter(([, text]) => /SIMULATED/.test(text))
        .map(([name]) => name)
        .sort(),
      ['GitHub API', 'Kubernetes API'],
    );
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

  /** Waits out the engine's 30 s between on-demand refreshes of one entity. */
  async function untilRefreshAllowed(ref) {
    const wait = (refreshedAt[ref] ?? 0) + 31_000 - Date.now();
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
  }

  async function refreshWhenAllowed(ref, headers) {
    await untilRefreshAllowed(ref);
    return refresh(ref, headers);
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

  /**
   * The report of `ref` once `ready(report)` holds: the engine re-evaluates every minute, and
   * an entity the catalog ingested later is bound against the others from then on.
   */
  async function reportWhen(ref, headers, ready, what) {
    const deadline = Date.now() + 150_000;
    for (;;) {
      const report = await currentReport(ref, headers);
      if (ready(report)) return report;
      assert.ok(Date.now() < deadline, `${ref}: ${what} within 150 s`);
      await new Promise(r => setTimeout(r, 2000));
    }
  }

  /** The failing results of a report that fail because `other` claims the same evidence. */
  const contestedWith = (report, other) =>
    report.results.filter(
      r =>
        r.status === 'fail' &&
        r.summary.startsWith('Evidence not bound to this entity') &&
        r.evidence.some(e => String(e.value).includes(other)),
    );

  /** ledger-api's report once it and its copy ledger-api-v2 were bound together. */
  const ledgerContested = headers =>
    reportWhen(
      'component/default/ledger-api',
      headers,
      r => contestedWith(r, 'component:default/ledger-api-v2').length > 0,
      'contested by ledger-api-v2',
    );

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
    // Logging read from the demo's VictoriaLogs, not from manifests.
    for (const id of [
      'logging.logs-in-store',
      'logging.structured',
      'logging.trace-ids',
      'logging.retention-covered',
    ]) {
      assert.equal(checks[id]?.status, 'pass', `${id}: ${checks[id]?.summary}`);
    }
    assert.match(
      checks['logging.logs-in-store'].summary,
      /^\d+ log lines of service="orders-api" in victorialogs store main in the last 1h$/,
    );
    assert.equal(
      checks['logging.retention-covered'].summary,
      'Log store main keeps logs 30d (-retentionPeriod=30d), covering the 30d declared',
    );
    // Delivery, from the Deployment's managedFields: Argo CD deploys it, nobody changed it since.
    assert.equal(
      checks['delivery.orchestrated'].summary,
      'Deployed by an orchestrator: Deployment shop/orders-api (demo-stand-in) (argocd-controller)',
    );
    assert.equal(checks['delivery.no-manual-drift'].status, 'pass');
    // Its Argo CD Application (named by argocd/app-name, tracked by annotation) is synced.
    assert.equal(
      checks['delivery.gitops-synced'].summary,
      'Synced from Git: Application argocd/orders-api (demo-stand-in) Synced, Healthy',
    );
    assert.equal(
      checks['delivery.rollback-ready'].summary,
      'Can be rolled back: Deployment shop/orders-api (demo-stand-in) by Argo CD self-heal (Application argocd/orders-api, automated sync)',
    );
    // Its repository (the GitHub API stand-in): the template's CI tests, scans and gates the
    // production deploy, its last run on main is green, and what it deploys and runs is pinned.
    assert.equal(
      checks['delivery.pipeline-defined'].summary,
      'Tests (.github/workflows/ci.yaml: test), scans (.github/workflows/ci.yaml: image (trivy)) and a gated production deploy (deploy: calls the Production Readiness gate (job readiness-gate))',
    );
    assert.match(
      checks['delivery.pipeline-green'].summary,
      /^Latest runs on main succeeded: \.github\/workflows\/ci\.yaml run #1 \([0-9a-f]{7}, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\) succeeded$/,
    );
    assert.match(
      checks['delivery.artifacts-pinned'].summary,
      /^\d+ image reference\(s\) pinned and from allowed registries: .*ghcr\.io\/acme\/orders-api:3\.8\.2/,
    );

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
      'availability.data-store-ha',
    ]) {
      assert.equal(db[id]?.status, 'pass', `${id}: ${db[id]?.summary}`);
    }
    // Measured on the running Patroni cluster, not read from an annotation.
    assert.match(
      db['availability.data-store-ha'].summary,
      /^Patroni cluster orders-db: leader member-\d \(timeline \d+\), 1 replica streaming/,
    );
    // PostgreSQL's own view, through postgres_exporter scraped by the demo's Prometheus.
    assert.match(
      db['availability.data-store-ha'].summary,
      /; PostgreSQL \(postgres_exporter, job="orders-db"\): member-2 streaming from 127\.0\.0\.1:\d+, \d+ B behind; /,
    );
    // The way in: HAProxy sends clients to the leader, the replica answers as a standby.
    assert.match(
      db['availability.data-store-ha'].summary,
      /; HAProxy backend orders-db-primary: member-1 UP \(L7OK\), member-2 DOWN \(L7STS\)$/,
    );
  });

  it("fails careless-worker's plain-text logs on structure, read from the log store, and its delivery, which it never declared", async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    // Owned by team-payments: the guest may read its report, not re-run it.
    const checks = byCheck(
      await currentReport('component/default/careless-worker', headers),
    );
    assert.equal(checks['logging.logs-in-store'].status, 'pass');
    assert.equal(checks['logging.structured'].status, 'fail');
    assert.match(
      checks['logging.structured'].summary,
      /^0% of \d+ lines? of service="careless-worker" in victorialogs store main are structured \(needed: 90%\)$/,
    ); // Delivery is judged though it declares nothing for it: no repository, no workload.
    assert.equal(
      checks['delivery.pipeline-defined'].summary,
      'No repository: the entity declares no backstage.io/source-location, so its pipeline cannot be read',
    );
    assert.equal(checks['delivery.pipeline-defined'].status, 'fail');
    assert.match(checks['delivery.orchestrated'].summary, /^No workload found/);
  });

  it('judges invoice-batch, which runs on a VM, from its host: node_exporter up, unit active, logs rotated, disks watched', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const report = await currentReport(
      'component/default/invoice-batch',
      headers,
    );
    const checks = byCheck(report);
    assert.equal(checks['availability.vm-hosts-up'].status, 'pass');
    assert.match(
      checks['availability.vm-hosts-up'].summary,
      /^Every one of 1 host \(node_exporter targets with job="invoice-batch" or backstage_entity="component:default\/invoice-batch"\) is scraped by node_exporter and up: 127\.0\.0\.1:\d+$/,
    );
    assert.equal(checks['logging.vm-log-rotation'].status, 'pass');
    assert.match(
      checks['logging.vm-log-rotation'].summary,
      /^logrotate succeeded on 1 host within .+; 1 live log file, none over 1\.0 GiB$/,
    );
    assert.match(
      checks['availability.vm-service-active'].summary,
      /^invoice-batch\.service active on every one of 1 host: 127\.0\.0\.1:\d+$/,
    );
    assert.match(
      checks['logging.vm-disk-fill-alert'].summary,
      /^Every one of 1 host is watched by a disk-fill alert: 127\.0\.0\.1:\d+ \(platform\/NodeFilesystemWillFill\)$/,
    );
    assert.equal(checks['availability.vm-service-active'].status, 'pass');
    assert.equal(checks['logging.vm-disk-fill-alert'].status, 'pass');
    // The Kubernetes checks of those pillars are replaced, not left unknown.
    assert.equal(checks['availability.replicas'], undefined);
    assert.equal(checks['logging.stdout'], undefined);
    // Delivery on a VM: its repository's pipeline deploys it with Ansible, gated.
    assert.equal(checks['delivery.orchestrated'], undefined);
    for (const id of [
      'delivery.pipeline-defined',
      'delivery.pipeline-green',
      'delivery.artifacts-pinned',
    ]) {
      assert.equal(checks[id]?.status, 'pass', `${id}: ${checks[id]?.summary}`);
    }
    assert.match(
      checks['delivery.artifacts-pinned'].summary,
      /ghcr\.io\/acme\/invoice-batch:\$\{\{ github\.sha \}\}/,
    );
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
    // One of its pods runs on a batch node the platform's log shipper does not run on.
    assert.equal(checks['logging.log-shipper-on-nodes'].status, 'fail');
    assert.equal(
      checks['logging.log-shipper-on-nodes'].summary,
      'Logs of this service stay on the node: no ready log shipper on 1 node of cluster demo-stand-in that runs its pods: demo-batch-node-1 (opentelemetry-collector-contrib:0.114.0 (logging/otel-collector-agent) is not ready there)',
    );
    // Scaled up by hand after Flux's last Helm release: what runs is not what the chart says.
    assert.equal(checks['delivery.no-manual-drift'].status, 'fail');
    assert.match(
      checks['delivery.no-manual-drift'].summary,
      /^Changed by hand since the last deploy: kubectl-scale changed spec\.replicas of Deployment shop\/inventory-api \(demo-stand-in\) at .+, after the last deploy at .+ \(helm-controller\)$/,
    );
    const db = byCheck(
      await currentReport('resource/default/inventory-db', headers),
    );
    assert.equal(db['backup.size-sane'].status, 'fail');
    assert.match(db['backup.size-sane'].summary, /the location holds 0 B/);
    // A single instance nobody made highly available: inventory-api depends on it, so it
    // faces availability and fails, naming what to declare.
    assert.equal(db['availability.data-store-ha'].status, 'fail');
    assert.match(
      db['availability.data-store-ha'].summary,
      /^No high-availability evidence declared for this database Resource: nothing shows it survives losing an instance \(no Patroni cluster named; no postgres_exporter series with /,
    );
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

  it('blocks ledger-api on ledger-db, whose newest backup is older than its RPO, and on the evidence its copy contests', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const report = await ledgerContested(headers);
    const contested = contestedWith(report, 'component:default/ledger-api-v2')
      .map(r => r.checkId)
      .sort();
    for (const id of [
      'availability.replicas',
      'monitoring.prometheus-scraped',
    ]) {
      assert.ok(contested.includes(id), `${id} contested: ${contested}`);
    }
    const checks = byCheck(report);
    assert.equal(checks['backup.dependencies-healthy'].status, 'fail');
    assert.match(
      checks['backup.dependencies-healthy'].summary,
      /ledger-db.*older than the RPO/,
    );
    const gate = await (
      await fetch(`${API}/component/default/ledger-api/gate`, { headers })
    ).json();
    assert.equal(gate.allowed, false);
    const blocking = gate.blocking.map(b => b.checkId);
    assert.ok(blocking.includes('backup.dependencies-healthy'), blocking);
    assert.ok(blocking.includes('availability.replicas'), blocking);
    assert.deepEqual(
      blocking.filter(id => id !== 'backup.dependencies-healthy'),
      blocking.filter(id => contested.includes(id)),
      'nothing else blocks ledger-api',
    );
    const db = byCheck(
      await currentReport('resource/default/ledger-db', headers),
    );
    assert.equal(db['backup.fresh'].status, 'fail');
    // Its backup CronJob (run by ledger-api, naming ledger-db) failed its last three nights.
    assert.equal(db['backup.errors'].status, 'fail');
    assert.match(
      db['backup.errors'].summary,
      /^Backup job CronJob shop\/ledger-db-backup on cluster .* failed its last 3 runs \(newest ledger-db-backup-\d+ .*BackoffLimitExceeded/,
    );
    // The stack moves ledger-db's backups 3 days back when it takes them and reuses them for
    // 12 hours, so a later start sees them 3 days and some hours old. The API says when.
    const finished = db['backup.fresh'].summary.match(
      /finished (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z), older than the RPO of 1d/,
    );
    assert.ok(finished, db['backup.fresh'].summary);
    const ageDays = (Date.now() - Date.parse(finished[1])) / 86_400_000;
    assert.ok(ageDays >= 3 && ageDays < 4, `backup ${ageDays} days old`);
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
    await withGuestPage(async page => {
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

      await untilRefreshAllowed('component/default/orders-api');
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
    });
  });

  it('lists the fleet worst first, searches it and exports what is shown as CSV', async () => {
    await withGuestPage(async page => {
      await page.goto(`${FRONTEND}/production-readiness`);
      await page.getByText('13 entities').waitFor({ timeout: 60_000 });
      const rows = page
        .getByRole('region', { name: 'Fleet' })
        .locator('tbody tr:has(a)');
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
        () =>
          document.querySelectorAll(
            'section[aria-label="Fleet"] tbody tr:has(a)',
          ).length === 3,
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
        [
          'component:default/ledger-api',
          'component:default/ledger-api-v2',
          'resource:default/ledger-db',
        ],
      );
    });
  });

  /** The check catalogue (titles and remediation the tab shows). */
  async function checkCatalogue(headers) {
    const response = await fetch(`${BACKEND}/api/production-readiness/checks`, {
      headers,
    });
    assert.equal(response.status, 200);
    return new Map((await response.json()).checks.map(c => [c.id, c]));
  }

  /**
   * Opens each failing check of the tab like a reader does and returns what its details say,
   * by check id, after asserting that the row and its details show the report's summary, the
   * failed status and the fix.
   */
  async function readFailingChecks(page, results, catalogue) {
    const shown = {};
    for (const result of results) {
      const check = catalogue.get(result.checkId);
      // A row is a button named by its status, title, summary and severity; its details are
      // the region the button names.
      const name = new RegExp(`^Failed ${escapeRegExp(check.title)} `);
      const row = page.getByRole('button', { name });
      assert.match(
        await row.textContent(),
        shownSummary(result.summary),
        `${result.checkId} row: ${await row.textContent()}`,
      );
      await row.click();
      const details = page.getByRole('region', { name });
      await details.getByText('How to fix').waitFor();
      const text = await details.innerText();
      assert.match(
        text,
        shownSummary(result.summary),
        `${result.checkId} details`,
      );
      for (const expected of [
        'Failed since',
        result.remediation ?? check.remediation,
      ]) {
        assert.ok(
          text.includes(expected),
          `${result.checkId} details lack "${expected}":\n${text}`,
        );
      }
      shown[result.checkId] = text;
    }
    return shown;
  }

  /**
   * Opens an entity's tab and returns the report it shows: the API's report from before and
   * after the page loaded, once both are the same evaluation (the engine re-evaluates every
   * minute, and summaries with ages change between evaluations).
   */
  async function openTabWithReport(page, ref, headers) {
    for (let attempt = 1; ; attempt++) {
      const before = await currentReport(ref, headers);
      await page.goto(tab(ref.split('/').pop()));
      await page.getByText(/Production gate/).waitFor({ timeout: 60_000 });
      const response = await fetch(`${API}/${ref}/report`, { headers });
      const after = await response.json();
      if (after.evaluatedAt === before.evaluatedAt) return before;
      assert.ok(attempt < 3, `${ref} was re-evaluated during every page load`);
    }
  }

  /**
   * Opens an entity's tab as the guest, asserts which checks fail there (from the API report of
   * the evaluation the page shows) and how many block the gate, reads each failing check's
   * details like a reader does, and hands the page and those details to `use`.
   */
  async function inFailingTab(ref, expected, use) {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const catalogue = await checkCatalogue(headers);
    await withGuestPage(async page => {
      const report = await openTabWithReport(page, ref, headers);
      const failing = report.results.filter(r => r.status === 'fail');
      assert.deepEqual(
        failing.map(r => r.checkId).sort(),
        [...expected.failing].sort(),
      );
      await page
        .getByText(`Production gate: blocked by ${expected.blocking} check(s)`)
        .waitFor();
      await use(page, await readFailingChecks(page, failing, catalogue));
    });
  }

  it("shows inventory-api's failing checks in its tab: the empty backup, the default-receiver routing, the node without a log shipper and the replicas scaled by hand", async () => {
    await inFailingTab(
      'component/default/inventory-api',
      {
        failing: [
          'backup.dependencies-healthy',
          'delivery.no-manual-drift',
          'logging.log-shipper-on-nodes',
          'monitoring.alert-routing',
        ],
        blocking: 4,
      },
      async (page, shown) => {
        assert.match(
          shown['logging.log-shipper-on-nodes'],
          /no ready log shipper on 1 node of cluster demo-stand-in that runs its pods: demo-batch-node-1/,
        );
        assert.match(
          shown['backup.dependencies-healthy'],
          /resource:default\/inventory-db: Backup size is sane is fail \(.*the location holds 0 B/,
        );
        assert.match(
          shown['monitoring.alert-routing'],
          /8 of 8 alerts reach only the default receiver "default-catchall"/,
        );
        await page.screenshot({
          path: new URL('tab-inventory-api.png', resultsDir).pathname,
          fullPage: true,
        });
      },
    );
  });

  it("shows payments-api's missing PodDisruptionBudget and its database's missing restore test in its tab", async () => {
    await inFailingTab(
      'component/default/payments-api',
      {
        failing: [
          'availability.pod-disruption-budget',
          'backup.dependencies-healthy',
        ],
        blocking: 2,
      },
      async (_page, shown) => {
        assert.match(
          shown['availability.pod-disruption-budget'],
          /No PodDisruptionBudget for Deployment shop\/payments-api/,
        );
        assert.match(
          shown['backup.dependencies-healthy'],
          /resource:default\/payments-db: Restore tested recently is fail \(No restore-test records/,
        );
      },
    );
  });

  /** What a tab must show as failing and blocking: the entity's current report and gate. */
  async function failingAndBlocking(ref, headers, report) {
    const gate = await (await fetch(`${API}/${ref}/gate`, { headers })).json();
    return {
      failing: report.results
        .filter(r => r.status === 'fail')
        .map(r => r.checkId),
      blocking: gate.blocking.length,
    };
  }

  it('shows in its tab that ledger-api is blocked by ledger-db, whose newest backup is older than its RPO', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const expected = await failingAndBlocking(
      'component/default/ledger-api',
      headers,
      await ledgerContested(headers),
    );
    await inFailingTab(
      'component/default/ledger-api',
      expected,
      async (page, shown) => {
        assert.match(
          shown['backup.dependencies-healthy'],
          /resource:default\/ledger-db: Newest backup within RPO is fail \(.*finished 3d( \d+h)? ago, older than the RPO of 1d\)/,
        );
        // Team Payments owns ledger-api; the guest may read but not re-run.
        assert.equal(
          await page.getByRole('button', { name: 'Re-run checks' }).count(),
          0,
        );
      },
    );
  });

  it("shows in both tabs that ledger-api-v2, a copy of ledger-api's catalog-info, contests its workload and metrics, and how to settle it", async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const ledger = await ledgerContested(headers);
    const copy = await reportWhen(
      'component/default/ledger-api-v2',
      headers,
      r => contestedWith(r, 'component:default/ledger-api').length > 0,
      'contested by ledger-api',
    );
    // The copy holds nothing of ledger-api's: every check reading the clusters or Prometheus
    // fails, none passes on the other's evidence.
    const copyChecks = byCheck(copy);
    for (const id of [
      'availability.replicas',
      'monitoring.prometheus-scraped',
    ]) {
      assert.equal(copyChecks[id].status, 'fail', id);
    }
    assert.equal(copy.gate.allowed, false);
    for (const [ref, report, other] of [
      ['component/default/ledger-api-v2', copy, 'component:default/ledger-api'],
      [
        'component/default/ledger-api',
        ledger,
        'component:default/ledger-api-v2',
      ],
    ]) {
      await inFailingTab(
        ref,
        await failingAndBlocking(ref, headers, report),
        async (page, shown) => {
          assert.match(
            shown['availability.replicas'],
            new RegExp(
              `kubernetes-workload [^ ]+/shop/Deployment/ledger-api \\(selected by backstage\\.io/kubernetes-id=ledger-api in namespace shop\\) is also claimed by ${escapeRegExp(
                other,
              )}`,
            ),
          );
          assert.match(
            shown['availability.replicas'],
            /production-readiness\.io\/entity-ref/,
          );
          if (ref.endsWith('ledger-api-v2')) {
            await page.screenshot({
              path: new URL('tab-ledger-api-v2.png', resultsDir).pathname,
              fullPage: true,
            });
          }
        },
      );
    }
    // The fleet page lists the contested evidence with both claimants and how to settle it.
    await withGuestPage(async page => {
      await page.goto(`${FRONTEND}/production-readiness`);
      const section = page.getByRole('region', { name: 'Contested evidence' });
      await section
        .getByText('kubernetes-workload', { exact: true })
        .first()
        .waitFor({ timeout: 60_000 });
      const text = await section.innerText();
      for (const expected of [
        'Ledger API v2',
        'Ledger API',
        'kubernetes-workload',
        'prometheus-service',
        'production-readiness.io/entity-ref',
      ]) {
        assert.ok(
          text.includes(expected),
          `fleet lacks "${expected}":\n${text}`,
        );
      }
      assert.ok(!text.includes('Orders API'), text);
      await section.screenshot({
        path: new URL('fleet-contested.png', resultsDir).pathname,
      });
    });
    // orders-api's workload and targets name their entity: it keeps its evidence.
    const orders = await currentReport('component/default/orders-api', headers);
    assert.deepEqual(
      orders.results.filter(r =>
        r.summary.startsWith('Evidence not bound to this entity'),
      ),
      [],
    );
  });

  /** The entities the fleet table shows, as entity refs, from their tab links. */
  async function fleetRows(page) {
    const hrefs = await page
      .getByRole('region', { name: 'Fleet' })
      .getByRole('table')
      .getByRole('link')
      .evaluateAll(links => links.map(a => a.getAttribute('href')));
    return hrefs
      .map(href =>
        href.match(
          /^\/catalog\/([^/]+)\/([^/]+)\/([^/]+)\/production-readiness$/,
        ),
      )
      .filter(Boolean)
      .map(([, namespace, kind, name]) => `${kind}:${namespace}/${name}`)
      .sort();
  }

  /**
   * Chooses values in one of the fleet table's filters. Backstage's table filters do not tie
   * their label to the select (the select is named by its value), so the select is found
   * next to its label.
   */
  async function chooseFilter(page, label, values) {
    await page
      .locator('label')
      .filter({ hasText: new RegExp(`^${label}$`) })
      .locator('xpath=..')
      .getByRole('button')
      .first()
      .click();
    const listbox = page.getByRole('listbox');
    for (const value of values) {
      await listbox.getByRole('option', { name: value, exact: true }).click();
    }
    // A multiple select stays open; a single select closes on its choice.
    if (await listbox.isVisible()) await page.keyboard.press('Escape');
    await listbox.waitFor({ state: 'hidden' });
  }

  it('filters the fleet by owner, gate, level and lifecycle, and clears the filters', async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const response = await fetch(
      `${BACKEND}/api/production-readiness/overview`,
      { headers },
    );
    assert.equal(response.status, 200);
    const fleet = (await response.json()).items;
    const refs = keep =>
      fleet
        .filter(keep)
        .map(e => e.entityRef)
        .sort();
    const everything = refs(() => true);
    const teamOrders = refs(e => e.owner === 'group:default/team-orders');
    const noLevel = refs(e => e.achievedLevel === 'none');
    const noLevelInProduction = refs(
      e => e.achievedLevel === 'none' && e.lifecycle === 'production',
    );
    // The demo catalog's states, so that a wrong overview cannot pass unnoticed.
    assert.deepEqual(teamOrders, [
      'component:default/inventory-api',
      'component:default/ledger-api-v2',
      'component:default/orders-api',
      'resource:default/inventory-db',
      'resource:default/orders-db',
      'system:default/webshop',
    ]);
    assert.deepEqual(noLevelInProduction, [
      'component:default/careless-worker',
      'component:default/inventory-api',
      'component:default/invoice-batch',
      'component:default/ledger-api',
      'component:default/ledger-api-v2',
      'component:default/payments-api',
      'component:default/warehouse-db',
    ]);

    await withGuestPage(async page => {
      await page.goto(`${FRONTEND}/production-readiness`);
      await page
        .getByText(`${fleet.length} entities`)
        .waitFor({ timeout: 60_000 });
      await eventually(async () =>
        assert.deepEqual(await fleetRows(page), everything),
      );
      await page.getByRole('button', { name: 'filter list' }).click();

      await chooseFilter(page, 'Owner', ['team-orders']);
      await eventually(async () =>
        assert.deepEqual(await fleetRows(page), teamOrders),
      );
      await chooseFilter(page, 'Gate', ['blocked']);
      // inventory-db is held to the default level too: its newest backup is empty.
      await eventually(async () =>
        assert.deepEqual(await fleetRows(page), [
          'component:default/inventory-api',
          'component:default/ledger-api-v2',
          'resource:default/inventory-db',
        ]),
      );
      await page.getByText('Filters (2)').waitFor();

      await page.getByRole('button', { name: 'Clear all' }).click();
      await eventually(async () =>
        assert.deepEqual(await fleetRows(page), everything),
      );

      await chooseFilter(page, 'Level', ['none']);
      await eventually(async () =>
        assert.deepEqual(await fleetRows(page), noLevel),
      );
      assert.ok(!noLevel.includes('component:default/orders-api'));
      await chooseFilter(page, 'Lifecycle', ['production']);
      await eventually(async () =>
        assert.deepEqual(await fleetRows(page), noLevelInProduction),
      );
    });
  });

  it('lists the service-with-blm template on the Create page with its title and opens its form', async () => {
    const { token } = await guestToken();
    // The catalog ingests the template (templates/locations.yaml) with the demo files.
    const template = await eventually(async () => {
      const response = await fetch(
        `${BACKEND}/api/catalog/entities/by-name/template/default/service-with-blm`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      assert.equal(response.status, 200);
      return response.json();
    }, 90_000);
    assert.equal(
      template.metadata.title,
      'Service with backup, logging and monitoring',
    );
    await withGuestPage(async page => {
      await page.goto(`${FRONTEND}/create`);
      const title = page.getByRole('heading', {
        name: template.metadata.title,
        exact: true,
      });
      await title.waitFor({ timeout: 60_000 });
      // The card: the innermost block holding the title and a Choose button.
      const card = page
        .locator('div')
        .filter({ has: title })
        .filter({ has: page.getByRole('button', { name: 'Choose' }) })
        .last();
      await card.getByRole('button', { name: 'Choose' }).click();
      // The registered template's form, loaded from the catalog through the scaffolder.
      await page.waitForURL(/\/create\/templates\/default\/service-with-blm$/);
      await page
        .getByRole('textbox', { name: 'Name', exact: true })
        .waitFor({ timeout: 30_000 });
    });
  });

  it('dry-runs the service-with-blm template from the Template Editor and shows the files it produces', async () => {
    const values = serviceWithBlmValues('e2e-api');
    const files = readTemplateDirectory(templateDir);
    assert.ok(files.some(f => f.path === 'template.yaml'));
    await withGuestPage(
      async page => {
        await openTemplateDirectory(page, FRONTEND, files, 'template.yaml');
        await fillServiceWithBlmForm(page, values);
        const dryRun = await runDryRun(page);
        assert.equal(dryRun.status, 200, JSON.stringify(dryRun.body));
        // What the editor marks a result failed by.
        assert.deepEqual(
          dryRun.body.log
            .filter(l => l.body.status === 'failed')
            .map(l => l.body.message),
          [],
        );

        const results = dryRunResults(page);
        await results.getByRole('button', { name: 'Result 1' }).waitFor();

        // Every step ran except the two that cannot in a dry run (publish, register).
        await results.getByRole('tab', { name: 'Log' }).click();
        for (const step of ['Service code', 'Backup, logging and monitoring']) {
          await results
            .getByRole('button', { name: step, exact: true })
            .click();
          await results.getByText(`Finished step ${step}`).waitFor();
        }
        await results
          .getByRole('button', { name: 'Validate the bundle', exact: true })
          .click();
        await results
          .getByText(/BLM bundle valid: \d+ files, promtool ran/)
          .waitFor();
        await results.getByText('Finished step Validate the bundle').waitFor();
        for (const step of ['Publish', 'Register']) {
          await results
            .getByRole('button', { name: `${step} Skipped`, exact: true })
            .waitFor();
        }

        // The produced files, with what was typed in the form.
        const produced = {
          'catalog-info.yaml': [
            `name: ${values.name}`,
            'owner: group:default/team-orders',
            'system: system:default/webshop',
            `description: ${values.description}`,
          ],
          'deploy/kubernetes/deployment.yaml': [
            `name: ${values.name}`,
            'team: team-orders',
          ],
          'monitoring/rules.yaml': [`job="${values.name}"`],
          // The top of the file (the viewer renders what is in view): the collector reads
          // only this service's container logs.
          'deploy/kubernetes/log-shipping.yaml': [
            `name: ${values.name}-log-shipper`,
            `/var/log/pods/${values.name}_${values.name}-*_*/${values.name}/*.log`,
          ],
        };
        for (const [path, expected] of Object.entries(produced)) {
          assert.ok(
            dryRun.body.directoryContents.some(f => f.path === path),
            `${path} not produced`,
          );
          const viewer = await openResultFile(page, path);
          await eventually(async () => {
            const text = await viewer.innerText();
            for (const line of expected) {
              assert.ok(
                text.includes(line),
                `${path} lacks "${line}":\n${text}`,
              );
            }
          });
        }
        await page.screenshot({
          path: new URL('template-editor-dry-run.png', resultsDir).pathname,
        });
      },
      { beforeOpen: provideDirectoryPicker },
    );
  });

  it("approves payments-api's waiver request in its tab as the platform team, applies it, and lets it expire", async () => {
    const { token } = await guestToken();
    const headers = { authorization: `Bearer ${token}` };
    const CHECK = 'availability.pod-disruption-budget';
    const pdb = async () =>
      byCheck(await currentReport('component/default/payments-api', headers))[
        CHECK
      ];
    const requested = await pdb();
    assert.equal(requested.status, 'fail');
    assert.equal(
      requested.waiver?.state,
      'requested',
      `examples/entities.yaml asks to waive ${CHECK} of payments-api; has its until date passed? ${JSON.stringify(
        requested.waiver,
      )}`,
    );
    assert.equal(requested.waiver.requestedBy, 'group:default/team-payments');
    const fleet = await (
      await fetch(`${BACKEND}/api/production-readiness/waivers`, { headers })
    ).json();
    assert.ok(
      fleet.items.some(
        w =>
          w.entityRef === 'component:default/payments-api' &&
          w.checkId === CHECK &&
          w.state === 'requested',
      ),
      JSON.stringify(fleet.items),
    );

    await withGuestPage(async page => {
      // The fleet list of waivers shows the request, waiting for approval.
      await page.goto(`${FRONTEND}/production-readiness`);
      const listed = page
        .getByRole('region', { name: 'Waivers' })
        .getByRole('row')
        .filter({ hasText: 'PLAT-123' })
        .filter({ hasText: 'payments-api' });
      await listed.waitFor({ timeout: 60_000 });
      assert.match(await listed.innerText(), /waiting for approval/);

      await page.goto(tab('payments-api'));
      await page
        .getByText(/Production gate: blocked by 2 check/)
        .waitFor({ timeout: 60_000 });
      await page
        .getByRole('button', { name: /^Failed PodDisruptionBudget / })
        .click();
      const panel = page.getByLabel('waiver');
      await panel.waitFor();
      assert.match(
        await panel.innerText(),
        /Waiver requested by group:default\/team-payments until .*: waiting for approval/,
      );
      await page.screenshot({
        path: new URL('waiver-requested.png', resultsDir).pathname,
      });

      // Approve it for 40 seconds: the guest is in the platform team, not in Team Payments.
      await panel.getByRole('button', { name: 'Approve waiver' }).click();
      const dialog = page.getByRole('dialog');
      const expiresAt = new Date(
        Math.ceil((Date.now() + 40_000) / 1000) * 1000,
      );
      const local = await page.evaluate(iso => {
        const d = new Date(iso);
        return new Date(d.getTime() - d.getTimezoneOffset() * 60_000)
          .toISOString()
          .slice(0, 19);
      }, expiresAt.toISOString());
      await dialog.getByLabel('Waived until').fill(local);
      await dialog.getByRole('button', { name: 'Approve' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });

      await page
        .getByText(/Production gate: blocked by 1 check/)
        .waitFor({ timeout: 30_000 });
      await page
        .getByRole('button', { name: /^Waived PodDisruptionBudget / })
        .click();
      assert.match(
        await page.getByLabel('waiver').innerText(),
        /Waived until .*: requested by group:default\/team-payments, approved by user:default\/guest on /,
      );
      await page.screenshot({
        path: new URL('waiver-approved.png', resultsDir).pathname,
      });
      const approved = await pdb();
      assert.equal(approved.status, 'waived');
      assert.equal(approved.underlyingStatus, 'fail');
      assert.equal(approved.waiver.state, 'approved');
      assert.equal(approved.waiver.approvedBy, 'user:default/guest');
      assert.equal(approved.waiver.expiresAt, expiresAt.toISOString());
      const gate = await (
        await fetch(`${API}/component/default/payments-api/gate`, { headers })
      ).json();
      assert.ok(
        !gate.blocking.some(b => b.checkId === CHECK),
        JSON.stringify(gate.blocking),
      );

      // Expired: it stops applying by itself, without any re-evaluation.
      const wait = expiresAt.getTime() + 1000 - Date.now();
      if (wait > 0) await new Promise(r => setTimeout(r, wait));
      const expired = await pdb();
      assert.equal(expired.status, 'fail');
      // `expired` until the next scheduled evaluation (every minute in the demo) finds the
      // annotation still asking, and shows the request again.
      assert.ok(
        ['expired', 'requested'].includes(expired.waiver?.state),
        JSON.stringify(expired.waiver),
      );
      await page.reload();
      await page
        .getByText(/Production gate: blocked by 2 check/)
        .waitFor({ timeout: 60_000 });
      await page
        .getByRole('button', { name: /^Failed PodDisruptionBudget / })
        .click();
      assert.match(
        await page.getByLabel('waiver').innerText(),
        /Waiver expired on |waiting for approval/,
      );
    });
  });

  it("refuses, in the tab, the guest's approval of its own team's waiver request", async () => {
    await withGuestPage(async page => {
      await page.goto(tab('inventory-api'));
      await page
        .getByText(/Production gate: blocked by 4 check/)
        .waitFor({ timeout: 60_000 });
      const row = page.getByRole('button', {
        name: /^Failed Alerts reach the owning team /,
      });
      await row.click();
      const panel = page.getByLabel('waiver');
      assert.match(
        await panel.innerText(),
        /Waiver requested by group:default\/team-orders until .*: waiting for approval/,
      );
      // The guest may manage waivers (platform team) but is a member of Team Orders.
      await panel.getByRole('button', { name: 'Approve waiver' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Approve' }).click();
      await dialog
        .getByText('Could not approve the waiver:', { exact: false })
        .waitFor({ timeout: 30_000 });
      assert.match(
        await dialog.innerText(),
        /monitoring\.alert-routing is a critical check of group:default\/team-orders's entity: its owners cannot waive it/,
      );
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(
        await page
          .getByRole('button', {
            name: /^Failed Alerts reach the owning team /,
          })
          .count(),
        1,
      );
    });
  });

  // Last of the API tests: orders-db fails in between, and is back to pass at the end.
  it('counts a restore test its job pushes, and refuses pushes by non-owners and from the future', async () => {
    const push = (authorization, body) =>
      fetch(`${BACKEND}/api/production-readiness/results`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const restoreTest = (entityRef, status, observedAt = new Date()) => {
      const at = observedAt.toISOString();
      return {
        entityRef,
        type: 'restore-test',
        observedAt: at,
        payload: {
          backupId: 'e2e-restore-test',
          backupTakenAt: at,
          startedAt: at,
          finishedAt: at,
          status,
          durationSeconds: 60,
          // Compared with the inventory its backup job recorded: one role, one table.
          inventory: {
            backupId: 'e2e-restore-test',
            checksum: 'e'.repeat(64),
            roles: 1,
            tables: 1,
          },
          validations: [
            {
              kind: 'role',
              name: 'application roles restored',
              ok: status === 'succeeded',
            },
            { kind: 'table', name: 'table public.records restored', ok: true },
          ],
        },
      };
    };
    const job = `Bearer ${stack.evidencePush.token}`;
    const { token } = await guestToken();
    const guest = { authorization: `Bearer ${token}` };
    const restoreCheck = async () =>
      byCheck(await refreshWhenAllowed('resource/default/orders-db', guest))[
        'backup.restore-tested'
      ];

    const failed = await push(
      job,
      restoreTest('resource:default/orders-db', 'failed'),
    );
    assert.equal(failed.status, 201, await failed.clone().text());
    const failing = await restoreCheck();
    assert.equal(failing.status, 'fail', failing.summary);
    assert.match(
      failing.summary,
      /^Latest restore test of backup e2e-restore-test failed .* \(failed validations: application roles restored\)/,
    );
    assert.equal(
      failing.evidence[0].source,
      'pushed by service:demo-restore-job',
    );

    // The guest is not an owner of payments-db (Team Payments); neither is the job's subject.
    for (const authorization of [guest.authorization, job]) {
      const refused = await push(
        authorization,
        restoreTest('resource:default/payments-db', 'succeeded'),
      );
      assert.equal(refused.status, 403, await refused.clone().text());
    }
    const future = await push(
      job,
      restoreTest(
        'resource:default/orders-db',
        'succeeded',
        new Date(Date.now() + 3 * 86_400_000),
      ),
    );
    assert.equal(future.status, 400);
    assert.match((await future.json()).error.message, /is in the future/);

    const succeeded = await push(
      job,
      restoreTest('resource:default/orders-db', 'succeeded'),
    );
    assert.equal(succeeded.status, 201, await succeeded.clone().text());
    const passing = await restoreCheck();
    assert.equal(passing.status, 'pass', passing.summary);

    await withGuestPage(async page => {
      await page.goto(
        `${FRONTEND}/catalog/default/resource/orders-db/production-readiness`,
      );
      const section = page.getByRole('region', { name: 'Pushed evidence' });
      await section
        .getByText('pushed by service:demo-restore-job', { exact: false })
        .first()
        .waitFor({ timeout: 60_000 });
      assert.match(
        await section.innerText(),
        /restore-test: succeeded[\s\S]*restore-test: failed/,
      );
      await section.screenshot({
        path: new URL('tab-orders-db-pushed-evidence.png', resultsDir).pathname,
      });
    });
    // orders-api reads its database's stored results: back to gold at once.
    await refreshWhenAllowed('component/default/orders-api', guest);
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
