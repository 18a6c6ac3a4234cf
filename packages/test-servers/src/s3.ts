import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { startHttpServer, TestHttpServer } from './httpServer';
import { createWorkDir } from './workDir';

/** Credentials the S3-protocol server accepts (it refuses unknown access keys). */
export const TEST_S3_CREDENTIALS = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

/** A running S3-protocol server on loopback (path-style addressing). */
export interface TestS3 extends TestHttpServer {
  /** `http://127.0.0.1:<port>`; use with `forcePathStyle: true`. */
  endpoint: string;
  region: string;
  credentials: typeof TEST_S3_CREDENTIALS;
  /** Folder the server keeps objects in. */
  directory: string;
}

/**
 * Starts the S3-protocol server with the given buckets created. Objects live in a fresh
 * temporary folder removed on stop, or in `directory`, which outlives the server (the demo
 * keeps its backups across starts).
 */
export async function startS3(
  options: { buckets?: string[]; directory?: string } = {},
): Promise<TestS3> {
  const workDir = options.directory
    ? { path: options.directory, remove: () => {} }
    : createWorkDir('s3');
  const server = await startHttpServer({
    name: 'S3 server',
    command: process.execPath,
    args: port => [
      // s3rver encrypts listing continuation tokens with DES, which OpenSSL 3 offers only
      // through its legacy provider: without it every listing past 1,000 keys answers 500.
      '--openssl-legacy-provider',
      resolvePackagePath('@internal/test-servers', 'bin/s3-server.js'),
      String(port),
      workDir.path,
      ...(options.buckets ?? []),
    ],
    workDir,
    readyPath: '/',
  });
  return {
    ...server,
    endpoint: server.baseUrl,
    region: 'us-east-1',
    credentials: TEST_S3_CREDENTIALS,
    directory: workDir.path,
  };
}
