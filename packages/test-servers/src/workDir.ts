import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder for one server's data, removed by `remove()`. */
export interface WorkDir {
  path: string;
  remove(): void;
}

export function createWorkDir(
  prefix: string,
  owner?: { uid: number; gid: number },
): WorkDir {
  const path = mkdtempSync(join(tmpdir(), `pr-test-${prefix}-`));
  if (owner) {
    chownSync(path, owner.uid, owner.gid);
  }
  return {
    path,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * PostgreSQL and pgBackRest refuse to run as root. When the tests run as root, servers and
 * tools that need it run as the `postgres` user the Debian package creates.
 */
export function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    return { uid, gid };
  } catch {
    throw new Error(
      'Running as root, but there is no "postgres" user to run PostgreSQL as. ' +
        'Install the Debian package "postgresql" (scripts/bootstrap.sh does it).',
    );
  }
}
