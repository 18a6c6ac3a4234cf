/*
 * The demo's VM host (invoice-batch runs on VMs): a real node_exporter with the textfile
 * collector, and a real logrotate run through the Prometheus module's documented cron command,
 * which writes the rotation metrics the VM checks read.
 *
 * Stand-in, labelled: systemd does not run here, so the unit states its systemd collector
 * would export (`node_systemd_unit_state`, same name and labels) are written through the
 * textfile collector: invoice-batch.service active, as on a host the template's role set up.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNodeExporter } from '@internal/test-servers';
import { rotationMetricCommand } from '@production-readiness/plugin-production-readiness-common';

export interface DemoVmHost {
  baseUrl: string;
  /** host:port, the `instance` label of its target. */
  host: string;
  textfileDir: string;
  stop(): Promise<void>;
}

/** Starts node_exporter and rotates the service's logs once, as the daily cron job would. */
export async function startVmHost(dir: string): Promise<DemoVmHost> {
  const logDir = join(dir, 'log', 'invoice-batch');
  mkdirSync(logDir, { recursive: true });
  writeFileSync(
    join(logDir, 'invoice-batch.log'),
    `${new Date().toISOString()} rendered 1200 invoices\n`.repeat(40),
  );
  const config = join(dir, 'logrotate.conf');
  writeFileSync(
    config,
    `${logDir}/*.log {\n  size 1k\n  rotate 7\n  missingok\n  copytruncate\n}\n`,
  );
  const nodeExporter = await startNodeExporter();
  writeFileSync(
    join(nodeExporter.textfileDir, 'systemd.prom'),
    ['invoice-batch.service', 'node_exporter.service', 'ssh.service']
      .map(
        unit =>
          `node_systemd_unit_state{name="${unit}",state="active",type="simple"} 1\n`,
      )
      .join(''),
  );
  try {
    execFileSync(
      'bash',
      [
        '-c',
        rotationMetricCommand({
          config,
          state: join(dir, 'logrotate.state'),
          logDir,
          textfileDir: nodeExporter.textfileDir,
        }),
      ],
      { stdio: 'pipe' },
    );
  } catch (error) {
    await nodeExporter.stop();
    throw error;
  }
  return {
    baseUrl: nodeExporter.baseUrl,
    host: new URL(nodeExporter.baseUrl).host,
    textfileDir: nodeExporter.textfileDir,
    stop: nodeExporter.stop,
  };
}
