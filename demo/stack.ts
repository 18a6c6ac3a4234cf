/*
 * The demo stack behind `./scripts/start`: real Prometheus, Alertmanager, an S3-protocol
 * server holding real pgBackRest backups and a restore-test record, a real Patroni cluster
 * (etcd + two PostgreSQL) for orders-db's high availability, a small exporter for the
 * demo services, a Kubernetes API stand-in serving the demo manifests and a GitHub API
 * stand-in holding the services' repositories (the two simulated systems). Everything
 * listens on 127.0.0.1 on free ports; the actual addresses go to
 * `.data/demo/app-config.demo.yaml`, which scripts/start passes to Backstage.
 *
 * Run: node --require @backstage/cli/config/nodeTransform.cjs demo/stack.ts
 * Stops everything it started on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import {
  EVIDENCE_OWNER,
  RestoreTestRecord,
} from '@production-readiness/plugin-production-readiness-common';
import {
  FakeKubeApiServer,
  startAlertmanager,
  startFakeKubeApiServer,
  startHaproxy,
  startPatroniCluster,
  startPostgresExporter,
  startPrometheus,
  startS3,
  startVictoriaLogs,
  TEST_S3_CREDENTIALS,
  TestHttpServer,
} from '@internal/test-servers';
import {
  BACKUP_BUCKET,
  BackupsState,
  backupToolsAvailable,
  produceDemoBackups,
} from './backups';
import { startDemoExporter } from './exporter';
import { DEMO_GIT_HOST, startDemoRepositories } from './repositories';
import { startLogShipper } from './logShipper';
import { startVmHost } from './vmHost';
import {
  demoClusterObjects,
  entityRefOf,
  servicesNamingTheirEntity,
} from './kubernetes/manifests';

const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, '.data', 'demo');
const CONFIG_FILE = join(DATA, 'app-config.demo.yaml');
const STATE_FILE = join(DATA, 'stack.json');
/** The service principal the demo's evidence-pushing token authenticates as. */
const DEMO_JOB_SUBJECT = 'demo-restore-job';
const BACKUPS_FILE = join(DATA, 'backups.json');
const S3_DIR = join(DATA, 's3');
const SERVICES = ['orders-api', 'payments-api', 'inventory-api', 'ledger-api'];
/** HAProxy's backend in front of orders-db (its `haproxy-backend` annotation). */
const ORDERS_DB_BACKEND = 'orders-db-primary';
/** Backups older than this are taken again at start, so the demo's RPOs stay meaningful. */
const BACKUPS_MAX_AGE_MS = 12 * 3600_000;

const log = (line: string) => console.log(`[demo] ${line}`);

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

const running: Stoppable[] = [];
let stopping = false;

async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const item of running.reverse()) {
      await item.stop().catch(error => log(`stopping ${item.name}: ${error}`));
    }
  }
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping the demo stack`);
    void stopAll(0);
  });
}

/** A local webhook receiver for Alertmanager's notifications; it counts them and drops them. */
async function startNoopReceiver(): Promise<{
  baseUrl: string;
  received: Map<string, number>;
  stop(): Promise<void>;
}> {
  const received = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      received.set(path, (received.get(path) ?? 0) + 1);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>(r => server.close(() => r()));
    },
  };
}

/** Starts the S3-protocol server on the persistent `.data/demo/s3` folder. */
async function startPersistentS3(): Promise<TestHttpServer> {
  mkdirSync(S3_DIR, { recursive: true });
  return startS3({ directory: S3_DIR, buckets: [BACKUP_BUCKET] });
}

function readBackupsState(): BackupsState | undefined {
  try {
    const state = JSON.parse(readFileSync(BACKUPS_FILE, 'utf8'));
    // Restore tests made before they compared inventories are made again.
    if (
      !Array.isArray(state.restoreTests) ||
      !state.restoreTests.every((r: RestoreTestRecord) => r.inventory)
    ) {
      return undefined;
    }
    const age = Date.now() - Date.parse(state.producedAt);
    return age < BACKUPS_MAX_AGE_MS && existsSync(S3_DIR) ? state : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  const startedAt = Date.now();
  mkdirSync(DATA, { recursive: true });
  rmSync(CONFIG_FILE, { force: true });
  const status: Record<string, string> = {};
  const config: Record<string, any> = {
    productionReadiness: {
      // A few demo entities: re-evaluating them every minute costs little and lets the
      // demo (and a restarted demo, whose scheduler remembers the previous run) catch up fast.
      // A refresh takes seconds; the short timeout frees the task within a minute when the
      // previous start was stopped in the middle of one (the scheduler then holds its lock).
      schedule: {
        frequency: { minutes: 1 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 15 },
      },
    },
  };
  let monitoringSettled: Promise<void> = Promise.resolve();

  // Alertmanager and its notification sink
  const receiver = await startNoopReceiver();
  running.push({ name: 'webhook receiver', stop: receiver.stop });
  let alertmanagerUrl: string | undefined;
  try {
    const am = await startAlertmanager({
      configYaml: readFileSync(
        join(ROOT, 'demo/alertmanager/alertmanager.yml'),
        'utf8',
      ).replace(/WEBHOOK_BASE_URL/g, receiver.baseUrl),
    });
    running.push({ name: 'Alertmanager', stop: am.stop });
    alertmanagerUrl = am.baseUrl;
    status.Alertmanager = `${am.baseUrl}  (real; routes by team label, webhooks to ${receiver.baseUrl})`;
  } catch (error) {
    status.Alertmanager = `NOT RUNNING: ${firstLine(error)}`;
  }

  // orders-db's high availability: a real Patroni cluster (etcd, a leader and a streaming
  // replica) and a real HAProxy in front of it, routing to the leader (`OPTIONS /primary`),
  // whose own Prometheus endpoint the demo's Prometheus scrapes. The database-ha module's
  // availability.data-store-ha reads both.
  let haproxyHost: string | undefined;
  let exporterHosts: string[] = [];
  try {
    const patroni = await startPatroniCluster({ scope: 'orders-db' });
    running.push({ name: 'Patroni cluster', stop: patroni.stop });
    const members = (await patroni.status()).members;
    config.productionReadiness.databaseHa = {
      patroni: [
        {
          name: 'orders-db',
          urls: patroni.members.map(m => m.restApiUrl),
        },
      ],
    };
    status.Patroni = `${patroni.members
      .map(m => m.restApiUrl)
      .join(', ')}  (real; orders-db's cluster: ${members
      .map(m => `${m.name} ${m.role} ${m.state}`)
      .join(', ')}; etcd ${patroni.etcdUrl})`;
    try {
      // PostgreSQL's own view: a postgres_exporter per member, job orders-db.
      const pgExporters = await Promise.all(
        patroni.members.map(m =>
          startPostgresExporter({
            dataSourceName: `postgresql://postgres:postgres@127.0.0.1:${m.pgPort}/postgres?sslmode=disable`,
          }),
        ),
      );
      pgExporters.forEach(e =>
        running.push({ name: 'postgres_exporter', stop: e.stop }),
      );
      exporterHosts = pgExporters.map(e => new URL(e.baseUrl).host);
      status.postgres_exporter = `${pgExporters
        .map(e => `${e.baseUrl}/metrics`)
        .join(
          ', ',
        )}  (real; orders-db's members, scraped by Prometheus as job orders-db)`;
    } catch (error) {
      status.postgres_exporter = `NOT RUNNING: ${firstLine(error)}`;
    }
    try {
      const haproxy = await startHaproxy({
        backends: [
          {
            name: ORDERS_DB_BACKEND,
            checkPath: '/primary',
            servers: patroni.members.map(m => ({
              name: m.name,
              address: `127.0.0.1:${m.pgPort}`,
              checkPort: Number(new URL(m.restApiUrl).port),
            })),
          },
        ],
      });
      running.push({ name: 'HAProxy', stop: haproxy.stop });
      haproxyHost = new URL(haproxy.baseUrl).host;
      status.HAProxy = `postgresql://127.0.0.1:${haproxy.ports[ORDERS_DB_BACKEND]}  (real; backend ${ORDERS_DB_BACKEND} to orders-db's leader; metrics ${haproxy.metricsUrl}, scraped by Prometheus)`;
    } catch (error) {
      status.HAProxy = `NOT RUNNING: ${firstLine(
        error,
      )} — availability.data-store-ha fails for orders-db`;
    }
  } catch (error) {
    status.Patroni = `NOT RUNNING: ${firstLine(
      error,
    )} — availability.data-store-ha fails for orders-db`;
  }

  // Logs: a real VictoriaLogs, and a shipper sending the demo services' lines into it. The
  // logging module reads it: orders-api's lines are JSON with trace ids, careless-worker's are
  // plain text.
  try {
    const logs = await startVictoriaLogs({ retentionPeriod: '30d' });
    running.push({ name: 'VictoriaLogs', stop: logs.stop });
    const shipper = await startLogShipper({
      victoriaLogsUrl: logs.baseUrl,
      structured: SERVICES,
      plainText: ['careless-worker'],
      log,
    });
    running.push({ name: 'log shipper', stop: shipper.stop });
    config.productionReadiness.logging = {
      stores: [{ name: 'main', type: 'victorialogs', url: logs.baseUrl }],
      defaultStore: 'main',
      defaultRetention: '30d',
    };
    status.VictoriaLogs = `${logs.baseUrl}  (real; -retentionPeriod=30d; the demo services' logs, JSON with trace ids; careless-worker's plain text)`;
  } catch (error) {
    status.VictoriaLogs = `NOT RUNNING: ${firstLine(
      error,
    )} — the logging checks fail or show error`;
  }

  // invoice-batch's VM: a real node_exporter whose textfile collector shows the logrotate run
  // the platform's cron line does (run once at start, for real).
  let vmHost: string | undefined;
  try {
    const vm = await startVmHost(join(DATA, 'vm'));
    running.push({ name: 'node_exporter', stop: vm.stop });
    vmHost = vm.host;
    status.node_exporter = `${vm.baseUrl}/metrics  (real; invoice-batch's VM host, logrotate run at start, textfile metrics in ${vm.textfileDir})`;
  } catch (error) {
    status.node_exporter = `NOT RUNNING: ${firstLine(
      error,
    )} — invoice-batch's VM checks fail`;
  }

  // Exporter + Prometheus
  const exporter = await startDemoExporter(SERVICES);
  running.push({ name: 'exporter', stop: exporter.stop });
  status.Exporter = `${exporter.baseUrl}/metrics/<service>  (demo services' metrics)`;
  try {
    const exporterHost = new URL(exporter.baseUrl).host;
    const ruleDir = join(ROOT, 'demo/prometheus');
    const prometheus = await startPrometheus({
      config: {
        global: { scrape_interval: '5s', evaluation_interval: '5s' },
        scrape_configs: [
          ...SERVICES.map(service => ({
            job_name: service,
            metrics_path: `/metrics/${service}`,
            static_configs: [
              {
                targets: [exporterHost],
                // Targets that name their entity count for it alone.
                ...(servicesNamingTheirEntity().includes(service)
                  ? {
                      labels: {
                        [EVIDENCE_OWNER.prometheusLabel]: entityRefOf({
                          name: service,
                        }),
                      },
                    }
                  : {}),
              },
            ],
          })),
          ...(exporterHosts.length
            ? [
                {
                  job_name: 'orders-db',
                  static_configs: [{ targets: exporterHosts }],
                },
              ]
            : []),
          // HAProxy's own endpoint: the backend in front of orders-db.
          ...(haproxyHost
            ? [
                {
                  job_name: 'haproxy',
                  static_configs: [{ targets: [haproxyHost] }],
                },
              ]
            : []),
          // The VM host of invoice-batch, naming its entity.
          ...(vmHost
            ? [
                {
                  job_name: 'node',
                  static_configs: [
                    {
                      targets: [vmHost],
                      labels: {
                        [EVIDENCE_OWNER.prometheusLabel]:
                          'component:default/invoice-batch',
                      },
                    },
                  ],
                },
              ]
            : []),
        ],
        ...(alertmanagerUrl
          ? {
              alerting: {
                alertmanagers: [
                  {
                    static_configs: [
                      { targets: [new URL(alertmanagerUrl).host] },
                    ],
                  },
                ],
              },
            }
          : {}),
      },
      ruleFiles: Object.fromEntries(
        readdirSync(ruleDir)
          .filter(f => f.endsWith('.yml'))
          .map(f => [f, readFileSync(join(ruleDir, f), 'utf8')]),
      ),
    });
    running.push({ name: 'Prometheus', stop: prometheus.stop });
    const baseUrl = prometheus.baseUrl;
    status.Prometheus = `${baseUrl}  (real; rules from demo/prometheus)`;
    monitoringSettled = waitForMonitoring(baseUrl, alertmanagerUrl).then(
      state => {
        status.Prometheus = `${baseUrl}  (real; rules from demo/prometheus; ${state})`;
      },
    );
    config.productionReadiness.prometheus = {
      instances: [
        {
          name: 'demo',
          baseUrl: prometheus.baseUrl,
          ...(alertmanagerUrl
            ? { alertmanager: { baseUrl: alertmanagerUrl } }
            : {}),
        },
      ],
    };
  } catch (error) {
    status.Prometheus = `NOT RUNNING: ${firstLine(
      error,
    )} — the monitoring checks show unknown`;
  }

  // S3 with real pgBackRest backups
  let backups = readBackupsState();
  const missingTools = backups ? undefined : await backupToolsAvailable();
  if (!backups && !missingTools) {
    rmSync(S3_DIR, { recursive: true, force: true });
  }
  const s3 = await startPersistentS3();
  running.push({ name: 'S3 server', stop: s3.server.stop.bind(s3.server) });
  config.productionReadiness.backup = {
    locations: [
      {
        name: 'demo-s3',
        type: 's3',
        bucket: BACKUP_BUCKET,
        region: 'us-east-1',
        endpoint: s3.baseUrl,
        forcePathStyle: true,
        credentials: TEST_S3_CREDENTIALS,
      },
    ],
  };
  if (!backups && !missingTools) {
    log('taking real pgBackRest backups of the demo databases (first start)…');
    const client = new S3Client({
      endpoint: s3.baseUrl,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: TEST_S3_CREDENTIALS,
    });
    try {
      backups = await produceDemoBackups(
        client,
        // The backup location's Secret, as the template's jobs read it.
        {
          S3_BUCKET: BACKUP_BUCKET,
          S3_ENDPOINT: s3.baseUrl,
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: TEST_S3_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_S3_CREDENTIALS.secretAccessKey,
        },
        log,
      );
      writeFileSync(BACKUPS_FILE, `${JSON.stringify(backups, null, 2)}\n`);
    } catch (error) {
      log(`backups failed: ${error instanceof Error ? error.message : error}`);
    } finally {
      client.destroy();
    }
  }
  status[
    'S3 server'
  ] = `${s3.baseUrl}  (real S3 protocol; bucket ${BACKUP_BUCKET}, data in .data/demo/s3)`;
  status.Backups = backups
    ? `pgBackRest repos of ${backups.databases
        .map(d => d.entity)
        .join(', ')}, taken ${backups.producedAt} in ${
        backups.seconds
      } s; restore tests: ${
        backups.restoreTests
          .map(r => `${r.entityRef?.split('/')[1]} ${r.status}`)
          .join(', ') || 'none'
      }`
    : `NONE: ${
        missingTools ?? 'producing them failed (see above)'
      } — the backup checks fail or show unknown`;

  // Kubernetes API stand-in
  const token = randomBytes(24).toString('base64url');
  const objects = demoClusterObjects();
  const kube: FakeKubeApiServer = await startFakeKubeApiServer({
    objects,
    token,
  });
  running.push({ name: 'Kubernetes API stand-in', stop: kube.stop });
  writeFileSync(
    join(DATA, 'kubernetes-objects.json'),
    `${JSON.stringify(objects, null, 2)}\n`,
  );
  status[
    'Kubernetes API'
  ] = `${kube.baseUrl}  (SIMULATED: a stand-in serving ${objects.length} demo objects from demo/kubernetes)`;
  config.kubernetes = {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'demo-stand-in',
            url: kube.baseUrl,
            authProvider: 'serviceAccount',
            serviceAccountToken: token,
            skipTLSVerify: true,
          },
        ],
      },
    ],
  };

  // The services' repositories: what the service template renders for each, and a green CI run.
  const repositories = await startDemoRepositories();
  running.push({ name: 'GitHub API stand-in', stop: repositories.github.stop });
  config.integrations = { github: [repositories.integration] };
  config.productionReadiness.scm = { allowedRegistries: ['ghcr.io/acme'] };
  status['GitHub API'] = `${
    repositories.github.apiBaseUrl
  }  (SIMULATED: a stand-in for ${DEMO_GIT_HOST} with real git repositories ${repositories.repositories.join(
    ', ',
  )}, rendered by the service template, and one green CI run each)`;

  // A job's token for pushing evidence (POST /results), as a restore-test job would have: its
  // subject may push for team-orders' entities only (productionReadiness.pushedResults).
  const evidenceToken = randomBytes(24).toString('base64url');
  config.backend = {
    auth: {
      externalAccess: [
        {
          type: 'static',
          options: { token: evidenceToken, subject: DEMO_JOB_SUBJECT },
          accessRestrictions: [
            {
              plugin: 'production-readiness',
              permission: 'production-readiness.results.push',
            },
          ],
        },
      ],
    },
  };
  config.productionReadiness.pushedResults = {
    principals: [
      { subject: DEMO_JOB_SUBJECT, owners: ['group:default/team-orders'] },
    ],
  };

  await monitoringSettled;

  // Config for Backstage (JSON is YAML), written atomically: scripts/start waits for it.
  writeFileSync(
    `${CONFIG_FILE}.tmp`,
    `# Written by demo/stack.ts at ${new Date().toISOString()}; rewritten at every start.\n${JSON.stringify(
      config,
      null,
      2,
    )}\n`,
  );
  renameSync(`${CONFIG_FILE}.tmp`, CONFIG_FILE);
  writeFileSync(
    STATE_FILE,
    `${JSON.stringify(
      {
        pid: process.pid,
        startedAt: new Date(startedAt).toISOString(),
        seconds: (Date.now() - startedAt) / 1000,
        urls: {
          prometheus:
            config.productionReadiness.prometheus?.instances[0].baseUrl,
          alertmanager: alertmanagerUrl,
          s3: s3.baseUrl,
          kubernetes: kube.baseUrl,
          github: repositories.github.baseUrl,
          exporter: exporter.baseUrl,
          webhookReceiver: receiver.baseUrl,
        },
        // For trying POST /api/production-readiness/results (and for the e2e test).
        evidencePush: { subject: DEMO_JOB_SUBJECT, token: evidenceToken },
        status,
      },
      null,
      2,
    )}\n`,
  );
  const width = Math.max(...Object.keys(status).map(k => k.length));
  log(`demo stack up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s:`);
  for (const [name, text] of Object.entries(status)) {
    log(`  ${name.padEnd(width)}  ${text}`);
  }
  log(`  config for Backstage: ${CONFIG_FILE}`);
}

/**
 * Waits until the monitoring pipeline carries data: every demo target scraped and up, and,
 * with an Alertmanager, the always-firing Watchdog received by it. Checks run right after
 * Backstage starts would otherwise see a Prometheus that has not scraped or alerted yet.
 */
async function waitForMonitoring(
  prometheusUrl: string,
  alertmanagerUrl: string | undefined,
): Promise<string> {
  const deadline = Date.now() + 60_000;
  let pending = 'first scrape';
  while (Date.now() < deadline) {
    try {
      const targets = (await (
        await fetch(`${prometheusUrl}/api/v1/targets?state=active`)
      ).json()) as {
        data: {
          activeTargets: Array<{ health: string; labels: { job: string } }>;
        };
      };
      const up = new Set(
        targets.data.activeTargets
          .filter(t => t.health === 'up')
          .map(t => t.labels.job),
      );
      const down = SERVICES.filter(s => !up.has(s));
      pending = down.length ? `targets not up yet: ${down.join(', ')}` : '';
      if (!pending && alertmanagerUrl) {
        const alerts = (await (
          await fetch(
            `${alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent(
              'alertname="Watchdog"',
            )}`,
          )
        ).json()) as unknown[];
        pending = alerts.length
          ? ''
          : 'Watchdog not received by Alertmanager yet';
      }
      if (!pending) return 'targets up, Watchdog delivered';
    } catch (error) {
      pending = firstLine(error);
    }
    await new Promise(r => setTimeout(r, 500));
  }
  return `not settled within 60 s (${pending})`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split(
    '\n',
  )[0];
}

main().catch(error => {
  log(`failed: ${error instanceof Error ? error.stack : error}`);
  void stopAll(1);
});
