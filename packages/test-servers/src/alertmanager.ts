import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpServer, TestHttpServer } from './httpServer';
import { findBinary } from './ServerProcess';
import { createWorkDir } from './workDir';

/** A running Alertmanager on loopback. */
export type TestAlertmanager = TestHttpServer;

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
  return startHttpServer({
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
}
