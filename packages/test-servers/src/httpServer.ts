import getPort from 'get-port';
import { httpOk, ServerProcess, ServerProcessOptions } from './ServerProcess';
import { WorkDir } from './workDir';

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
  spawnOptions?: ServerProcessOptions['spawnOptions'];
}): Promise<TestHttpServer> {
  const port = await getPort({ host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = ServerProcess.start({
    name: options.name,
    command: options.command,
    args: options.args(port),
    spawnOptions: options.spawnOptions,
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
