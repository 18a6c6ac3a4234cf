import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findBinary } from './ServerProcess';
import { freePort, startHttpServer, TestHttpServer } from './httpServer';
import { createWorkDir } from './workDir';

/** A server of an HAProxy backend, health-checked over HTTP on its own port. */
export interface HaproxyServer {
  name: string;
  /** `127.0.0.1:<port>`: where HAProxy forwards connections (e.g. PostgreSQL). */
  address: string;
  /** Port of the HTTP health check (e.g. Patroni's REST API). */
  checkPort: number;
  /** Health-checked (default); `false` sends traffic to it unchecked. */
  check?: boolean;
}

/** A real HAProxy on loopback: TCP backends and its Prometheus endpoint. */
export interface TestHaproxy extends TestHttpServer {
  /** `http://127.0.0.1:<port>/metrics`: HAProxy's own Prometheus exporter. */
  metricsUrl: string;
  /** The port clients connect to, by backend name. */
  ports: Record<string, number>;
  /**
   * A command on HAProxy's runtime API (its stats socket), e.g.
   * `disable server orders/member-2`; resolves with the answer.
   */
  command(line: string): Promise<string>;
}

/**
 * Starts HAProxy (Debian's `haproxy`) with one `listen` section per backend, in TCP mode,
 * each server checked with `OPTIONS <checkPath>` on its check port as Patroni's documentation
 * sets it up (`/primary` sends connections to the leader only), and its Prometheus exporter
 * on a stats frontend.
 */
export async function startHaproxy(options: {
  backends: Array<{
    name: string;
    checkPath: string;
    servers: HaproxyServer[];
  }>;
}): Promise<TestHaproxy> {
  const binary = findBinary({
    names: ['haproxy'],
    debianPackage: 'haproxy',
    extraDirs: ['/usr/sbin'],
  });
  const workDir = createWorkDir('haproxy');
  const ports: Record<string, number> = {};
  const listens: string[] = [];
  for (const backend of options.backends) {
    ports[backend.name] = await freePort();
    listens.push(
      [
        `listen ${backend.name}`,
        `  bind 127.0.0.1:${ports[backend.name]}`,
        `  option httpchk OPTIONS ${backend.checkPath}`,
        '  http-check expect status 200',
        '  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions',
        ...backend.servers.map(
          s =>
            `  server ${s.name} ${s.address}${
              s.check === false ? '' : ` check port ${s.checkPort}`
            }`,
        ),
      ].join('\n'),
    );
  }
  const configPath = join(workDir.path, 'haproxy.cfg');
  const socketPath = join(workDir.path, 'admin.sock');
  const server = await startHttpServer({
    name: 'HAProxy',
    command: binary,
    args: port => {
      writeFileSync(
        configPath,
        [
          'global',
          '  maxconn 200',
          `  stats socket ${socketPath} mode 600 level admin`,
          'defaults',
          '  mode tcp',
          '  timeout connect 2s',
          '  timeout client 30m',
          '  timeout server 30m',
          '  timeout check 1s',
          'frontend stats',
          '  mode http',
          `  bind 127.0.0.1:${port}`,
          '  http-request use-service prometheus-exporter if { path /metrics }',
          '  monitor-uri /healthz',
          ...listens,
          '',
        ].join('\n'),
      );
      return ['-db', '-f', configPath];
    },
    workDir,
    readyPath: '/healthz',
  });
  const command = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(socketPath);
      let answer = '';
      socket.on('data', chunk => {
        answer += chunk.toString();
      });
      socket.on('end', () => resolve(answer.trim()));
      socket.on('error', reject);
      socket.end(`${line}\n`);
    });
  return {
    ...server,
    metricsUrl: `${server.baseUrl}/metrics`,
    ports,
    command,
  };
}
