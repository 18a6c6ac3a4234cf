import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import getPort from 'get-port';
import { findBinary, httpOk, ServerProcess } from './ServerProcess';
import { createWorkDir } from './workDir';

/** A running Prometheus server on loopback. */
export interface TestPrometheus {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  server: ServerProcess;
  /** Rewrites the rule files and asks Prometheus to reload them. */
  replaceRules(ruleFiles: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /**
   * The `prometheus.yml` content without `rule_files` (those come from `ruleFiles`).
   * Objects are written as JSON, which Prometheus reads as YAML.
   */
  config?: Record<string, unknown>;
  /** Rule files by file name, YAML text. */
  ruleFiles?: Record<string, string>;
}

/** Starts a real Prometheus on a free loopback port; resolves when `/-/ready` answers. */
export async function startPrometheus(
  options: StartPrometheusOptions = {},
): Promise<TestPrometheus> {
  const binary = findBinary({
    names: ['prometheus'],
    debianPackage: 'prometheus',
  });
  const workDir = createWorkDir('prometheus');
  const rulesDir = join(workDir.path, 'rules');
  mkdirSync(rulesDir);
  const writeRules = (ruleFiles: Record<string, string>) => {
    for (const [name, content] of Object.entries(ruleFiles)) {
      if (name.includes('/')) {
        throw new Error(`Rule file name must not contain "/": ${name}`);
      }
      writeFileSync(join(rulesDir, name), content);
    }
  };
  writeRules(options.ruleFiles ?? {});
  const configFile = join(workDir.path, 'prometheus.yml');
  writeFileSync(
    configFile,
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      ...options.config,
      rule_files: [join(rulesDir, '*')],
    }),
  );
  const port = await getPort({ host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = ServerProcess.start({
    name: 'Prometheus',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(workDir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
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
    async replaceRules(ruleFiles) {
      writeRules(ruleFiles);
      const response = await fetch(`${baseUrl}/-/reload`, { method: 'POST' });
      if (!response.ok) {
        throw new Error(
          `Prometheus reload failed (${
            response.status
          }): ${await response.text()}`,
        );
      }
    },
    async stop() {
      await server.stop();
      workDir.remove();
    },
  };
}
