import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpServer, TestHttpServer } from './httpServer';
import { findBinary } from './ServerProcess';
import { waitFor } from './waitFor';
import { createWorkDir } from './workDir';

/** A running Prometheus server on loopback. */
export interface TestPrometheus extends TestHttpServer {
  /** Rewrites the rule files and asks Prometheus to reload them. */
  replaceRules(ruleFiles: Record<string, string>): Promise<void>;
  /**
   * Resolves once `targets` scrape targets were scraped and every rule was evaluated; with
   * `healthy`, once every target is up and every rule evaluated without error.
   */
  waitForEvaluation(options: {
    targets: number;
    healthy?: boolean;
  }): Promise<void>;
}

export interface StartPrometheusOptions {
  /**
   * The `prometheus.yml` content without `rule_files` (those come from `ruleFiles`).
   * Objects are written as JSON, which Prometheus reads as YAML.
   */
  config?: Record<string, unknown>;
  /** Rule files by file name, YAML text. */
  ruleFiles?: Record<string, string>;
  /**
   * How often firing alerts are re-sent to Alertmanager (`--rules.alert.resend-delay`,
   * Prometheus's default 1m). Alerts that fire before Alertmanager is discovered are only
   * delivered at the next re-send, so tests waiting for an alert shorten it.
   */
  alertResendDelay?: string;
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
  const server = await startHttpServer({
    name: 'Prometheus',
    command: binary,
    args: port => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(workDir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      ...(options.alertResendDelay
        ? [`--rules.alert.resend-delay=${options.alertResendDelay}`]
        : []),
    ],
    workDir,
    readyPath: '/-/ready',
  });
  const getData = async (path: string) =>
    (await (await fetch(`${server.baseUrl}${path}`)).json()).data;
  return {
    ...server,
    waitForEvaluation: ({ targets, healthy }) =>
      waitFor(
        `${targets} targets scraped and rules evaluated${
          healthy ? ' healthy' : ''
        } by Prometheus`,
        async () => {
          const active: Array<{ health: string }> = (
            await getData('/api/v1/targets')
          ).activeTargets;
          const rules: Array<{ health: string }> = (
            await getData('/api/v1/rules')
          ).groups.flatMap((g: { rules: unknown[] }) => g.rules);
          return (
            active.length === targets &&
            active.every(t =>
              healthy ? t.health === 'up' : t.health !== 'unknown',
            ) &&
            rules.every(r =>
              healthy ? r.health === 'ok' : r.health !== 'unknown',
            )
          );
        },
      ),
    async replaceRules(ruleFiles) {
      writeRules(ruleFiles);
      const response = await fetch(`${server.baseUrl}/-/reload`, {
        method: 'POST',
      });
      if (!response.ok) {
        throw new Error(
          `Prometheus reload failed (${
            response.status
          }): ${await response.text()}`,
        );
      }
    },
  };
}
