import { resolvePackagePath } from '@backstage/backend-plugin-api';
import getPort from 'get-port';
import { httpOk, ServerProcess } from './ServerProcess';
import { createWorkDir } from './workDir';

/** Credentials the S3-protocol server accepts (it checks signatures against these). */
export const TEST_S3_CREDENTIALS = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

/** A running S3-protocol server on loopback (path-style addressing). */
export interface TestS3 {
  /** `http://127.0.0.1:<port>`; use with `forcePathStyle: true`. */
  endpoint: string;
  region: string;
  credentials: typeof TEST_S3_CREDENTIALS;
  /** Folder the server keeps objects in. */
  directory: string;
  server: ServerProcess;
  stop(): Promise<void>;
}

/** Starts the S3-protocol server with the given buckets created. */
export async function startS3(
  options: { buckets?: string[] } = {},
): Promise<TestS3> {
  const workDir = createWorkDir('s3');
  const port = await getPort({ host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${port}`;
  const server = ServerProcess.start({
    name: 'S3 server',
    command: process.execPath,
    args: [
      resolvePackagePath('@internal/test-servers', 'bin/s3-server.js'),
      String(port),
      workDir.path,
      ...(options.buckets ?? []),
    ],
  });
  try {
    await server.waitUntilReady(() => httpOk(`${endpoint}/`));
  } catch (error) {
    workDir.remove();
    throw error;
  }
  return {
    endpoint,
    region: 'us-east-1',
    credentials: TEST_S3_CREDENTIALS,
    directory: workDir.path,
    server,
    async stop() {
      await server.stop();
      workDir.remove();
    },
  };
}
