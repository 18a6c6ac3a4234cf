import getPort from 'get-port';
import { SpawnOptions } from 'node:child_process';
import { httpOk, ServerProcess } from './ServerProcess';
import { WorkDir } from './workDir';

/** A free TCP port on 127.0.0.1 (nothing listens on it when this resolves). */
export function freePort(): Promise<number> {
  return getPort({ host: '127.0.0.1' });
}

/** An HTTP server process on a free loopback port, with its data folder. */
export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  server: ServerProcess;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts an HTTP server on a free loopback port and waits until `readyPath` answers 2xx.
 * The data folder is removed when the server fails to start or is stopped.
 */
export async function startHttpServer(options: {
  name: string;
  command: string;
  /** Arguments for the chosen port. */
  args: (port: number) => string[];
  workDir: WorkDir;
  readyPath: string;
  /** Options for the child process, or a function of the chosen port (e.g. a PORT variable). */
  spawnOptions?: SpawnOptions | ((port: number) => SpawnOptions);
}): Promise<TestHttpServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = ServerProcess.start({
    name: options.name,
    command: options.command,
    args: options.args(port),
    spawnOptions:
      typeof options.spawnOptions === 'function'
        ? options.spawnOptions(port)
        : options.spawnOptions,
  });
  try {
    await server.waitUntilReady(() => httpOk(`${baseUrl}${options.readyPath}`));
  } catch (error) {
    options.workDir.remove();
    throw error;
  }
  return {
    baseUrl,
    server,
    async stop() {
      await server.stop();
      options.workDir.remove();
    },
  };
}
