import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import getPort from 'get-port';
import { findBinary, httpOk, ServerProcess } from './ServerProcess';
import { createWorkDir } from './workDir';

/** A running Alertmanager on loopback. */
export interface TestAlertmanager {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  server: ServerProcess;
  stop(): Promise<void>;
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
  const port = await getPort({ host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = ServerProcess.start({
    name: 'Alertmanager',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(workDir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
  });
  try {
    await server.waitUntilReady(() => httpOk(`${baseUrl}/-/ready`));
  } catch (error) {
    workDir.remove();
    throw error;
  }
  return {
    baseUrl,
    server,
    async stop() {
      await server.stop();
      workDir.remove();
    },
  };
}
