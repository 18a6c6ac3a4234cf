import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpServer, TestHttpServer } from './httpServer';
import { findBinary } from './ServerProcess';
import { waitFor } from './waitFor';
import { createWorkDir } from './workDir';

/** A running Alertmanager on loopback. */
export interface TestAlertmanager extends TestHttpServer {
  /** Resolves once an alert with this `alertname` is active in Alertmanager. */
  waitForAlert(alertname: string): Promise<void>;
}

export interface StartAlertmanagerOptions {
  /** `alertmanager.yml` as YAML text (kept verbatim: the API echoes it in `config.original`). */
  configYaml: string;
}

/** Starts a real Alertmanager (clustering off) on a free loopback port. */
export async function startAlertmanager(
  options: StartAlertmanagerOptions,
): Promise<TestAlertmanager> {
  const binary = findBinary({
    names: ['alertmanager', 'prometheus-alertmanager'],
    debianPackage: 'prometheus-alertmanager',
  });
  const workDir = createWorkDir('alertmanager');
  const configFile = join(workDir.path, 'alertmanager.yml');
  writeFileSync(configFile, options.configYaml);
  const server = await startHttpServer({
    name: 'Alertmanager',
    command: binary,
    args: port => [
      `--config.file=${configFile}`,
      `--storage.path=${join(workDir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    workDir,
    readyPath: '/-/ready',
  });
  return {
    ...server,
    waitForAlert: alertname =>
      waitFor(`alert ${alertname} in Alertmanager`, async () => {
        const alerts: Array<{ labels: Record<string, string> }> = await (
          await fetch(`${server.baseUrl}/api/v2/alerts`)
        ).json();
        return alerts.some(a => a.labels.alertname === alertname);
      }),
  };
}
