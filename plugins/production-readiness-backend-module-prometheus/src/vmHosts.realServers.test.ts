/*
 * VM services judged from real node_exporter (textfile collector), real logrotate run through
 * the module's documented cron command, and a real Prometheus scraping the host.
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
import { evaluateCheck } from '@production-readiness/plugin-production-readiness-node';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVmHostsUpCheck } from './checks/vm/vmHostsUp';
import { createVmLogRotationCheck } from './checks/vm/vmLogRotation';
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
    prometheus = await startPrometheus({
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
    const labelled = await judge(vmService('labelled-batch', {}));
    expect(labelled['availability.vm-hosts-up'].status).toBe('pass');
    expect(labelled['logging.vm-log-rotation'].status).toBe('pass');
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
