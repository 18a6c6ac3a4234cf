import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const LOG_LINES_KEPT = 200;
const running = new Set<ChildProcess>();

// A jest worker or script that dies between start and stop must not leave servers behind.
process.once('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

/** Where a binary came from, so a missing one is reported with the package that provides it. */
export interface BinarySpec {
  /** Names to try, in order (Debian renames some upstream binaries). */
  names: string[];
  /** Folders searched after PATH. */
  extraDirs?: string[];
  /** The Debian package that installs it. */
  debianPackage: string;
}

/** Finds a server binary on PATH or in its extra folders, or throws saying how to install it. */
export function findBinary(spec: BinarySpec): string {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    ...(spec.extraDirs ?? []),
  ];
  for (const name of spec.names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) {
        return candidate;
      }
    }
  }
  throw new Error(
    `${spec.names.join(' or ')} not found. Install the Debian package "${
      spec.debianPackage
    }" ` + `(scripts/bootstrap.sh does it when run as root).`,
  );
}

export interface ServerProcessOptions {
  name: string;
  command: string;
  args: string[];
  spawnOptions?: SpawnOptions;
  /** Signal that shuts the server down cleanly (PostgreSQL wants SIGINT for a fast shutdown). */
  stopSignal?: NodeJS.Signals;
}

/**
 * A long-running server child process with its recent output kept, so that a server that
 * fails to start or dies during a test explains itself.
 */
export class ServerProcess {
  private readonly lines: string[] = [];
  private exitDescription: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly stopSignal: NodeJS.Signals,
  ) {
    running.add(child);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) {
          this.lines.push(line);
        }
      }
      this.lines.splice(0, Math.max(0, this.lines.length - LOG_LINES_KEPT));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise(resolve => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exitDescription = signal
          ? `killed by ${signal}`
          : `exited with code ${code}`;
        resolve();
      });
      child.once('error', error => {
        running.delete(child);
        this.exitDescription = `failed to start: ${error.message}`;
        resolve();
      });
    });
  }

  static start(options: ServerProcessOptions): ServerProcess {
    const child = spawn(options.command, options.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options.spawnOptions,
    });
    return new ServerProcess(
      options.name,
      child,
      options.stopSignal ?? 'SIGTERM',
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines the server printed. */
  logs(): string {
    return this.lines.join('\n');
  }

  /**
   * Polls `probe` until it returns true. Fails early, with the server's output, when the
   * process exits or the timeout passes.
   */
  async waitUntilReady(
    probe: () => Promise<boolean>,
    timeoutMs = 30_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitDescription) {
        throw new Error(
          `${this.name} ${
            this.exitDescription
          } before it was ready. Its output:\n${this.logs()}`,
        );
      }
      if (await probe().catch(() => false)) {
        return;
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(
          `${
            this.name
          } was not ready within ${timeoutMs} ms. Its output:\n${this.logs()}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  /** Stops the server, escalating to SIGKILL after `graceMs`. Safe to call twice. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exitDescription) {
      return;
    }
    this.child.kill(this.stopSignal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** True when `url` answers with a 2xx status. */
export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.ok;
}
