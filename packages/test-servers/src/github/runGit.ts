import { spawn } from 'node:child_process';

const GIT_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** A git command that exited non-zero, with its stderr for the message. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(
      `git ${args.join(' ')} failed (${
        exitCode === null ? 'killed' : `exit ${exitCode}`
      }): ${stderr.trim() || '(no output)'}`,
    );
    this.name = 'GitCommandError';
  }
}

/**
 * Runs the git CLI on a bare repository, isolated from the user's and the system's git config,
 * with a timeout and a cap on its output. Arguments are passed as an array, never through a
 * shell.
 */
export function runGit(
  gitDir: string,
  args: string[],
  options: { input?: Buffer | string; env?: Record<string, string> } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'C',
        GIT_DIR: gitDir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: GIT_TIMEOUT_MS,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        child.kill('SIGKILL');
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) {
        resolve(Buffer.concat(stdout));
        return;
      }
      const message =
        size > MAX_OUTPUT_BYTES
          ? `output larger than ${MAX_OUTPUT_BYTES} bytes`
          : Buffer.concat(stderr).toString('utf8');
      reject(new GitCommandError(args, code, message));
    });
    // git may exit before reading all of stdin (e.g. on a bad argument).
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** `runGit` returning trimmed text. */
export async function gitText(
  gitDir: string,
  args: string[],
  options?: Parameters<typeof runGit>[2],
): Promise<string> {
  return (await runGit(gitDir, args, options)).toString('utf8').trim();
}
