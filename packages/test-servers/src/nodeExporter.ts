import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './ServerProcess';
import { startHttpServer, TestHttpServer } from './httpServer';
import { createWorkDir } from './workDir';

/** node_exporter with the textfile collector reading `textfileDir`. */
export interface TestNodeExporter extends TestHttpServer {
  /** The textfile collector's folder: `*.prom` files there become series at the next scrape. */
  textfileDir: string;
}

/**
 * Starts node_exporter (Debian's `prometheus-node-exporter`) on a free loopback port with the
 * textfile collector on a folder of its own; its series are at `<baseUrl>/metrics`.
 */
export async function startNodeExporter(): Promise<TestNodeExporter> {
  const binary = findBinary({
    names: ['prometheus-node-exporter', 'node_exporter'],
    debianPackage: 'prometheus-node-exporter',
  });
  const workDir = createWorkDir('node-exporter');
  const textfileDir = join(workDir.path, 'textfile');
  mkdirSync(textfileDir, { recursive: true });
  const server = await startHttpServer({
    name: 'node_exporter',
    command: binary,
    args: port => [
      `--web.listen-address=127.0.0.1:${port}`,
      `--collector.textfile.directory=${textfileDir}`,
    ],
    workDir,
    readyPath: '/metrics',
  });
  return { ...server, textfileDir };
}
