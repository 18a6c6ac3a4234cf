import {
  chownSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { findBinary, httpOk, ServerProcess } from './ServerProcess';
import { freePort } from './httpServer';
import { findPostgresBinary } from './postgres';
import { waitFor } from './waitFor';
import { createWorkDir, unprivilegedUser, WorkDir } from './workDir';

/** One member of `GET /cluster`, as Patroni answers it. */
export interface PatroniMemberStatus {
  name: string;
  role: string;
  state: string;
  api_url?: string;
  host?: string;
  port?: number;
  timeline?: number;
  lag?: number | string;
}

/** `GET /cluster` of Patroni's REST API. */
export interface PatroniClusterStatus {
  members: PatroniMemberStatus[];
  scope?: string;
}

/** A member: its Patroni (REST API) running a PostgreSQL of its own. */
export interface TestPatroniMember {
  name: string;
  /** `http://127.0.0.1:<port>`: Patroni's REST API. */
  restApiUrl: string;
  /** The PostgreSQL port the member listens on. */
  pgPort: number;
  /** Stops Patroni (and with it its PostgreSQL). */
  stop(): Promise<void>;
  /** Starts it again on the same data. */
  start(): Promise<void>;
  logs(): string;
}

/** A real Patroni cluster on loopback: one etcd, members each with its PostgreSQL. */
export interface TestPatroniCluster {
  scope: string;
  /** `http://127.0.0.1:<port>`: etcd's client URL. */
  etcdUrl: string;
  members: TestPatroniMember[];
  /** `GET /cluster` from the first member that answers. */
  status(): Promise<PatroniClusterStatus>;
  /** Polls `status()` until `ready` holds, at most `timeoutMs`. */
  waitForStatus(
    what: string,
    ready: (status: PatroniClusterStatus) => boolean,
    timeoutMs?: number,
  ): Promise<PatroniClusterStatus>;
  /** A planned switchover to `candidate` (`POST /switchover` on the leader). */
  switchover(candidate: string): Promise<void>;
  stop(): Promise<void>;
}

/** A leader running and every other member streaming from it. */
export function isHealthy(
  status: PatroniClusterStatus,
  members: number,
): boolean {
  const leader = status.members.find(m => m.role === 'leader');
  const replicas = status.members.filter(m => m.role !== 'leader');
  return (
    status.members.length === members &&
    leader?.state === 'running' &&
    replicas.every(m => m.state === 'streaming' || m.state === 'running') &&
    replicas.every(m => m.lag === 0)
  );
}

function patroniYaml(options: {
  scope: string;
  name: string;
  restPort: number;
  pgPort: number;
  etcdPort: number;
  dir: string;
  binDir: string;
}): string {
  const { scope, name, restPort, pgPort, etcdPort, dir, binDir } = options;
  // JSON is YAML: Patroni reads it as is.
  return JSON.stringify(
    {
      scope,
      name,
      log: { level: 'INFO' },
      restapi: {
        listen: `127.0.0.1:${restPort}`,
        connect_address: `127.0.0.1:${restPort}`,
      },
      etcd3: { hosts: `127.0.0.1:${etcdPort}` },
      bootstrap: {
        dcs: {
          ttl: 20,
          loop_wait: 2,
          retry_timeout: 5,
          maximum_lag_on_failover: 1048576,
          postgresql: {
            use_pg_rewind: false,
            parameters: {
              wal_level: 'replica',
              hot_standby: 'on',
              max_wal_senders: 5,
              max_replication_slots: 5,
              wal_keep_size: '64MB',
            },
          },
        },
        initdb: [{ encoding: 'UTF8' }, { auth: 'trust' }],
        pg_hba: [
          'local all all trust',
          'host replication replicator 127.0.0.1/32 trust',
          'host all all 127.0.0.1/32 trust',
        ],
      },
      postgresql: {
        listen: `127.0.0.1:${pgPort}`,
        connect_address: `127.0.0.1:${pgPort}`,
        data_dir: join(dir, 'data'),
        bin_dir: binDir,
        pgpass: join(dir, 'pgpass'),
        authentication: {
          replication: { username: 'replicator', password: 'replicator' },
          superuser: { username: 'postgres', password: 'postgres' },
        },
        parameters: { unix_socket_directories: dir },
      },
      tags: { nofailover: false, noloadbalance: false },
    },
    null,
    2,
  );
}

/**
 * Stops the PostgreSQL a Patroni member ran, by its `postmaster.pid`, with SIGQUIT (immediate
 * shutdown). PostgreSQL runs in a session of its own: a Patroni that dies before stopping it
 * (SIGINT to the test's process group, SIGKILL at process exit) leaves it running.
 */
function stopPostmaster(dataDir: string) {
  try {
    const pid = Number(
      readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // Not running (no pid file, or no such process).
  }
}

/**
 * Starts etcd and a Patroni cluster of `members` members (default 2) on free loopback ports,
 * from the Debian packages `etcd-server` and `patroni`, PostgreSQL from `postgresql`; as the
 * `postgres` user when running as root. Resolves once a leader runs and every replica streams
 * with no lag (about 30 s for two members on two cores).
 */
export async function startPatroniCluster(
  options: { members?: number; scope?: string; readyTimeoutMs?: number } = {},
): Promise<TestPatroniCluster> {
  const count = options.members ?? 2;
  const scope = options.scope ?? 'test-cluster';
  const owner = unprivilegedUser();
  const etcdBinary = findBinary({
    names: ['etcd'],
    debianPackage: 'etcd-server',
  });
  const patroniBinary = findBinary({
    names: ['patroni'],
    debianPackage: 'patroni',
  });
  // Patroni runs pg_ctl, pg_controldata and the others from the folder of the real binary.
  const binDir = dirname(realpathSync(findPostgresBinary('postgres')));
  const root: WorkDir = createWorkDir('patroni', owner);
  const servers: ServerProcess[] = [];
  const dataDirs: string[] = [];
  const stopPostmasters = () => dataDirs.forEach(stopPostmaster);
  process.once('exit', stopPostmasters);
  const stopAll = async () => {
    await Promise.all(servers.map(s => s.stop(15_000)));
    stopPostmasters();
    process.off('exit', stopPostmasters);
  };
  try {
    const etcdPort = await freePort();
    const peerPort = await freePort();
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = ServerProcess.start({
      name: 'etcd',
      command: etcdBinary,
      args: [
        '--name=e1',
        `--data-dir=${join(root.path, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=e1=http://127.0.0.1:${peerPort}`,
        '--initial-cluster-state=new',
      ],
    });
    servers.push(etcd);
    await etcd.waitUntilReady(() => httpOk(`${etcdUrl}/health`));

    const members: TestPatroniMember[] = [];
    for (let i = 1; i <= count; i++) {
      const name = `member-${i}`;
      const dir = join(root.path, name);
      mkdirSync(dir, { mode: 0o700 });
      dataDirs.push(join(dir, 'data'));
      const restPort = await freePort();
      const pgPort = await freePort();
      const configPath = join(dir, 'patroni.yml');
      writeFileSync(
        configPath,
        patroniYaml({ scope, name, restPort, pgPort, etcdPort, dir, binDir }),
      );
      if (owner) {
        chownSync(dir, owner.uid, owner.gid);
        chownSync(configPath, owner.uid, owner.gid);
      }
      const restApiUrl = `http://127.0.0.1:${restPort}`;
      let server: ServerProcess | undefined;
      const start = async () => {
        server = ServerProcess.start({
          name: `patroni ${name}`,
          command: patroniBinary,
          args: [configPath],
          spawnOptions: {
            cwd: dir,
            ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
            env: { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' },
          },
        });
        servers.push(server);
        await server.waitUntilReady(() => httpOk(`${restApiUrl}/liveness`));
      };
      await start();
      members.push({
        name,
        restApiUrl,
        pgPort,
        start,
        stop: async () => {
          await server?.stop(20_000);
        },
        logs: () => server?.logs() ?? '',
      });
      if (i === 1) {
        // The first member bootstraps the cluster; the others clone it.
        await waitFor(
          `Patroni ${name} to lead ${scope}`,
          () => httpOk(`${restApiUrl}/leader`),
          options.readyTimeoutMs ?? 90_000,
        ).catch(error => {
          throw new Error(`${error.message}. Its output:\n${server?.logs()}`);
        });
      }
    }

    const status = async (): Promise<PatroniClusterStatus> => {
      for (const member of members) {
        try {
          const response = await fetch(`${member.restApiUrl}/cluster`, {
            signal: AbortSignal.timeout(2_000),
          });
          if (response.ok)
            return (await response.json()) as PatroniClusterStatus;
        } catch {
          // the next member answers
        }
      }
      throw new Error(`no member of ${scope} answers GET /cluster`);
    };
    const waitForStatus = async (
      what: string,
      ready: (s: PatroniClusterStatus) => boolean,
      timeoutMs = 90_000,
    ) => {
      let last: PatroniClusterStatus | undefined;
      try {
        await waitFor(
          what,
          async () => ready((last = await status())),
          timeoutMs,
        );
      } catch (error) {
        throw new Error(
          `${(error as Error).message}; last /cluster: ${JSON.stringify(
            last,
          )}\n${members.map(m => `--- ${m.name}\n${m.logs()}`).join('\n')}`,
        );
      }
      return last!;
    };
    await waitForStatus(`${scope} to have ${count} healthy members`, s =>
      isHealthy(s, count),
    );
    return {
      scope,
      etcdUrl,
      members,
      status,
      waitForStatus,
      async switchover(candidate) {
        const current = (await status()).members.find(m => m.role === 'leader');
        const leader = members.find(m => m.name === current?.name);
        if (!leader)
          throw new Error(`${scope} has no leader to switch over from`);
        const response = await fetch(`${leader.restApiUrl}/switchover`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ leader: leader.name, candidate }),
        });
        const text = await response.text();
        if (!response.ok) {
          throw new Error(
            `switchover to ${candidate} refused: ${response.status} ${text}`,
          );
        }
      },
      async stop() {
        await stopAll();
        root.remove();
      },
    };
  } catch (error) {
    await stopAll();
    root.remove();
    throw error;
  }
}
