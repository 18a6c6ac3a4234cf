import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Finds an executable: the given path, or the first `name` on PATH. */
export async function findExecutable(
  name: string,
  explicit?: string,
): Promise<string | undefined> {
  const candidates = explicit
    ? [explicit]
    : (process.env.PATH ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map(dir => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * Runs a validating tool; undefined when it exits 0, else its output (at most 20 lines, one
 * line joined by ` | `).
 */
export async function runTool(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string | undefined> {
  try {
    await execFileAsync(command, args, {
      cwd: options.cwd,
      env: options.env,
      timeout: 60_000,
      maxBuffer: 4 * 1024 * 1024,
    });
    return undefined;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    const output =
      `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || err.message;
    return output
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean)
      .slice(0, 20)
      .join(' | ');
  }
}
