import { findBinary } from './ServerProcess';
import { startHttpServer, TestHttpServer } from './httpServer';
import { createWorkDir } from './workDir';

/**
 * Starts postgres_exporter (Debian's `prometheus-postgres-exporter`) for one PostgreSQL, on a
 * free loopback port; its series are at `<baseUrl>/metrics`.
 */
export async function startPostgresExporter(options: {
  /** `postgresql://user@127.0.0.1:<port>/postgres?sslmode=disable` */
  dataSourceName: string;
}): Promise<TestHttpServer> {
  const binary = findBinary({
    names: ['prometheus-postgres-exporter', 'postgres_exporter'],
    debianPackage: 'prometheus-postgres-exporter',
  });
  return startHttpServer({
    name: 'postgres_exporter',
    command: binary,
    args: port => [`--web.listen-address=127.0.0.1:${port}`],
    workDir: createWorkDir('postgres-exporter'),
    readyPath: '/metrics',
    spawnOptions: {
      env: { DATA_SOURCE_NAME: options.dataSourceName, PATH: process.env.PATH },
    },
  });
}
