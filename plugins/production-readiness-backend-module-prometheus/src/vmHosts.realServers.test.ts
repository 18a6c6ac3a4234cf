/*
 * VM services judged from real node_exporter (textfile collector), real logrotate run through
 * the module's documented cron command, and a real Prometheus scraping the host and loading
 * disk-fill rules. Stand-in, labelled: systemd does not run in this container, so the unit
 * states node_exporter's systemd collector would export are written through the textfile
 * collector, under the same metric name and labels.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  startNodeExporter,
  startPrometheus,
  TestNodeExporter,
  TestPrometheus,
  waitFor,
} from '@internal/test-servers';
import {
  bindEvidence,
  evaluateCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVmDiskFillAlertCheck } from './checks/logging/vmDiskFillAlert';
import { createVmHostsUpCheck } from './checks/availability/vmHostsUp';
import { createVmLogRotationCheck } from './checks/logging/vmLogRotation';
import { createVmServiceActiveCheck } from './checks/availability/vmServiceActive';
import { rotationMetricCommand } from '@production-readiness/plugin-production-readiness-common';
import { VmHostsCollector } from './collectors/VmHostsCollector';
import { readPrometheusModuleConfig } from './config';

jest.setTimeout(120_000);

function vmService(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'production-readiness.io/runtime': 'vm', ...annotations },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-billing' },
  };
}

describe('VM hosts on real node_exporter, logrotate and Prometheus', () => {
  let nodeExporter: TestNodeExporter;
  let prometheus: TestPrometheus;
  let host: string;
  const work = mkdtempSync(join(tmpdir(), 'vm-rotation-'));
  const logDir = join(work, 'log');
  const rotateBySize = join(work, 'logrotate-size.conf');
  const rotateWeekly = join(work, 'logrotate-weekly.conf');
  const state = join(work, 'logrotate.state');

  /** Runs the documented command, as the daily cron job on the host would. */
  const rotate = (config: string) =>
    execFileSync(
      'bash',
      [
        '-c',
        rotationMetricCommand({
          config,
          state,
          logDir,
          textfileDir: nodeExporter.textfileDir,
        }),
      ],
      { stdio: 'pipe' },
    );

  const moduleConfig = () =>
    readPrometheusModuleConfig(
      new ConfigReader({
        productionReadiness: {
          prometheus: {
            instances: [{ name: 'main', baseUrl: prometheus.baseUrl }],
            vmLogFileMaxBytes: 16 * 1024,
          },
        },
      }),
    );

  async function judge(entity: Entity) {
    const config = moduleConfig();
    const collector = VmHostsCollector.create({ config });
    const collected = await collector.collect([entity], {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(20_000),
      now: new Date(),
    });
    const results: Record<string, { status: string; summary: string }> = {};
    for (const check of [
      createVmHostsUpCheck(),
      createVmLogRotationCheck(config),
      createVmDiskFillAlertCheck(),
      createVmServiceActiveCheck(),
    ]) {
      const { status, summary } = await evaluateCheck({
        check,
        entity,
        entityRef: stringifyEntityRef(entity),
        now: new Date(),
        outcomes: new Map([
          [collector.id, { ok: true, title: collector.title, collected }],
        ]),
      });
      results[check.id] = { status, summary };
    }
    return results;
  }

  /** node-mixin's rule: every host of job node. */
  const NODE_MIXIN_RULES = `groups:
  - name: node-exporter
    rules:
      - alert: NodeFilesystemSpaceFillingUp
        expr: |
          node_filesystem_avail_bytes{job="node",fstype!="",mountpoint!=""} / node_filesystem_size_bytes{job="node",fstype!="",mountpoint!=""} * 100 < 15
          and
          predict_linear(node_filesystem_avail_bytes{job="node",fstype!="",mountpoint!=""}[6h], 24*60*60) < 0
        for: 1h
`;

  /** The unit states the systemd collector would export (stand-in, see the file comment). */
  const writeUnitState = (unit: string, unitState: string) =>
    writeFileSync(
      join(nodeExporter.textfileDir, 'systemd.prom'),
      `node_systemd_unit_state{name="${unit}",state="${unitState}",type="simple"} 1\n`,
    );

  const BILLING = () =>
    vmService('billing-batch', { 'production-readiness.io/vm-hosts': host });

  beforeAll(async () => {
    execFileSync('mkdir', ['-p', logDir]);
    writeFileSync(join(logDir, 'app.log'), 'x'.repeat(4096));
    writeFileSync(
      rotateBySize,
      `${logDir}/*.log {\n  size 1k\n  rotate 3\n  missingok\n  copytruncate\n}\n`,
    );
    writeFileSync(
      rotateWeekly,
      `${logDir}/*.log {\n  weekly\n  rotate 3\n  missingok\n  copytruncate\n}\n`,
    );
    nodeExporter = await startNodeExporter();
    host = new URL(nodeExporter.baseUrl).host;
    writeUnitState('billing-batch.service', 'active');
    prometheus = await startPrometheus({
      ruleFiles: { 'node.yml': NODE_MIXIN_RULES },
      config: {
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          {
            job_name: 'node',
            static_configs: [
              {
                targets: [host],
                labels: {
                  backstage_entity: 'component:default/labelled-batch',
                },
              },
            ],
          },
        ],
      },
    });
    await prometheus.waitForEvaluation({ targets: 1, healthy: true });
  });

  afterAll(async () => {
    await Promise.all([prometheus?.stop(), nodeExporter?.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  /** Waits until the checks, run again and again, say what `expected` says. */
  async function eventually(
    entity: Entity,
    checkId: string,
    expected: RegExp,
  ): Promise<{ status: string; summary: string }> {
    let last = { status: '', summary: '' };
    await waitFor(`${checkId} to say ${expected}`, async () => {
      last = (await judge(entity))[checkId];
      return expected.test(`${last.status}: ${last.summary}`);
    });
    return last;
  }

  it('passes a host whose logs logrotate just rotated, found by annotation or by target label', async () => {
    rotate(rotateBySize);
    const rotated = await eventually(
      BILLING(),
      'logging.vm-log-rotation',
      /^pass: /,
    );
    expect(rotated.summary).toMatch(
      /^logrotate succeeded on 1 host within \d+s; 1 live log file, none over 16 KiB$/,
    );
    expect((await judge(BILLING()))['availability.vm-hosts-up']).toEqual({
      status: 'pass',
      summary: `Every one of 1 host (production-readiness.io/vm-hosts) is scraped by node_exporter and up: ${host}`,
    });
    expect((await judge(BILLING()))['logging.vm-disk-fill-alert']).toEqual({
      status: 'pass',
      summary: `Every one of 1 host is watched by a disk-fill alert: ${host} (node-exporter/NodeFilesystemSpaceFillingUp)`,
    });
    expect((await judge(BILLING()))['availability.vm-service-active']).toEqual({
      status: 'pass',
      summary: `billing-batch.service active on every one of 1 host: ${host}`,
    });
    const labelled = await judge(vmService('labelled-batch', {}));
    expect(labelled['availability.vm-hosts-up'].status).toBe('pass');
    expect(labelled['logging.vm-log-rotation'].status).toBe('pass');
  });

  it('fails a host no disk-fill alert selects, and counts a threshold rule on that host', async () => {
    const withRule = async (rule: string) => {
      await prometheus.replaceRules({
        'node.yml': `groups:\n  - name: disks\n    rules:\n      - alert: DiskFull\n        expr: '${rule}'\n`,
      });
      return (await judge(BILLING()))['logging.vm-disk-fill-alert'];
    };
    try {
      // The rule watches another job's hosts only: it does not count for this host.
      expect(
        await withRule(
          'predict_linear(node_filesystem_avail_bytes{job="db-nodes"}[6h], 86400) < 0',
        ),
      ).toEqual({
        status: 'fail',
        summary: `1 of 1 host without a disk-fill alert: ${host}: no disk-fill alert selects it`,
      });
      expect(
        await withRule(
          `node_filesystem_avail_bytes{instance="${host}"} / node_filesystem_size_bytes < 0.1`,
        ),
      ).toEqual({
        status: 'pass',
        summary: `Every one of 1 host is watched by a disk-fill alert: ${host} (disks/DiskFull)`,
      });
      await prometheus.replaceRules({ 'node.yml': 'groups: []\n' });
      expect(
        (await judge(BILLING()))['logging.vm-disk-fill-alert'].status,
      ).toBe('fail');
    } finally {
      await prometheus.replaceRules({ 'node.yml': NODE_MIXIN_RULES });
    }
  });

  it("fails a host where the service's unit is failed, or whose node_exporter exports no unit states", async () => {
    try {
      writeUnitState('billing-batch.service', 'failed');
      expect(
        await eventually(
          BILLING(),
          'availability.vm-service-active',
          /is failed/,
        ),
      ).toEqual({
        status: 'fail',
        summary: `billing-batch.service not active everywhere: ${host}: billing-batch.service is failed`,
      });
      rmSync(join(nodeExporter.textfileDir, 'systemd.prom'));
      expect(
        await eventually(
          BILLING(),
          'availability.vm-service-active',
          /no node_systemd_unit_state/,
        ),
      ).toEqual({
        status: 'fail',
        summary: `billing-batch.service not active everywhere: ${host} exports no node_systemd_unit_state: run node_exporter with --collector.systemd`,
      });
    } finally {
      writeUnitState('billing-batch.service', 'active');
    }
  });

  it('binds a unit on a host to one entity: a copy of the entity that names the same unit contests it', async () => {
    const copy = vmService('billing-batch-v2', {
      'production-readiness.io/vm-hosts': host,
      'production-readiness.io/systemd-unit': 'billing-batch',
    });
    const collector = VmHostsCollector.create({ config: moduleConfig() });
    const collected = await collector.collect([BILLING(), copy], {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(20_000),
      now: new Date(),
    });
    const contested = bindEvidence(
      new Map([[collector.id, collected.claims!]]),
    );
    const { status, summary } = await evaluateCheck({
      check: createVmServiceActiveCheck(),
      entity: copy,
      entityRef: stringifyEntityRef(copy),
      now: new Date(),
      outcomes: new Map([
        [collector.id, { ok: true, title: collector.title, collected }],
      ]),
      contested: contested.get(stringifyEntityRef(copy)),
    });
    expect({ status, summary }).toEqual({
      status: 'fail',
      summary: `Evidence not bound to this entity: vm-systemd-unit main/${host}/billing-batch.service (selected by production-readiness.io/systemd-unit billing-batch.service on ${host}) is also claimed by component:default/billing-batch`,
    });
    expect([...contested.keys()].sort()).toEqual([
      'component:default/billing-batch',
      'component:default/billing-batch-v2',
    ]);
    // Hosts are shared, units are not: another service on the same host holds its own unit.
    const neighbour = vmService('billing-export', {
      'production-readiness.io/vm-hosts': host,
    });
    const shared = await collector.collect([BILLING(), neighbour], {
      logger: mockServices.logger.mock(),
      signal: AbortSignal.timeout(20_000),
      now: new Date(),
    });
    expect(bindEvidence(new Map([[collector.id, shared.claims!]]))).toEqual(
      new Map(),
    );
  });

  it('fails a live log file that rotation does not keep small', async () => {
    // Already rotated this week: the weekly config leaves the grown file alone.
    writeFileSync(join(logDir, 'app.log'), 'y'.repeat(64 * 1024));
    rotate(rotateWeekly);
    const result = await eventually(
      BILLING(),
      'logging.vm-log-rotation',
      /^fail: /,
    );
    expect(result.summary).toBe(
      `Logs may fill the disk: ${host}: ${logDir}/app.log is 64 KiB (over 16 KiB)`,
    );
  });

  it('fails a host that exports no rotation metric (rotation stopped)', async () => {
    rmSync(join(nodeExporter.textfileDir, 'logrotate.prom'));
    const result = await eventually(
      BILLING(),
      'logging.vm-log-rotation',
      /no logrotate_last_success_timestamp_seconds/,
    );
    expect(result).toEqual({
      status: 'fail',
      summary: `Logs may fill the disk: ${host} exports no logrotate_last_success_timestamp_seconds: nothing shows its logs are rotated`,
    });
  });

  it('documents in the README exactly the command the test runs', () => {
    expect(readFileSync(join(__dirname, '..', 'README.md'), 'utf8')).toContain(
      rotationMetricCommand({
        config: '/etc/logrotate.conf',
        logDir: '/var/log/orders-api',
        textfileDir: '/var/lib/prometheus/node-exporter',
      }),
    );
  });

  it('fails hosts Prometheus does not scrape, and an entity with no host at all', async () => {
    const unknownHost = vmService('ghost-batch', {
      'production-readiness.io/vm-hosts': 'vm-9.example.com:9100',
    });
    expect((await judge(unknownHost))['availability.vm-hosts-up']).toEqual({
      status: 'fail',
      summary:
        '1 of 1 host (production-readiness.io/vm-hosts) not up: vm-9.example.com:9100 is not a target',
    });
    const nothing = await judge(vmService('nameless-batch', {}));
    expect(nothing['availability.vm-hosts-up']).toEqual({
      status: 'fail',
      summary:
        'No VM host found on prometheus:main: no node_exporter targets with job="nameless-batch" or backstage_entity="component:default/nameless-batch"',
    });
    const hostile = await judge(
      vmService('hostile-batch', {
        'production-readiness.io/vm-hosts': 'vm-1"} or vector(1) #',
      }),
    );
    expect(hostile['logging.vm-log-rotation']).toEqual({
      status: 'fail',
      summary:
        'Annotation production-readiness.io/vm-hosts names "vm-1\\"} or vector(1) #", which is not an instance label value (host or host:port)',
    });
  });
});
