import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { unprivilegedUser } from './workDir';

/**
 * Runs a job's script with bash as its Kubernetes Job would: as the pod's unprivileged user
 * (the `postgres` user when running as root), with only `env` (what the manifest and its
 * Secrets set), a container's PATH and a fresh scratch folder in `dir` as SCRATCH and HOME.
 * Asynchronous, so that a backend in the calling process can answer what the job sends it.
 */
export function runJobScript(
  script: string,
  dir: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stderr: string }> {
  const jobUser = unprivilegedUser();
  const scratch = mkdtempSync(join(dir, 'scratch-'));
  if (jobUser) {
    chownSync(scratch, jobUser.uid, jobUser.gid);
  }
  const job = spawn('bash', [script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...jobUser,
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      ...env,
      SCRATCH: scratch,
      HOME: scratch,
    },
  });
  let stderr = '';
  job.stderr.setEncoding('utf8').on('data', chunk => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    job.on('error', reject);
    job.on('close', status => resolve({ status, stderr }));
  });
}
