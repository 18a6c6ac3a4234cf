import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import {
  BackupStorage,
  StorageError,
  StorageFailureKind,
  StorageListing,
  StoredObject,
} from './BackupStorage';

/** Settings of a filesystem location (a mounted NFS share or a posix pgBackRest repo). */
export interface FilesystemLocationSettings {
  name: string;
  /** Absolute path of the location's root folder. */
  path: string;
  maxListedObjects: number;
  maxObjectBytes: number;
}

function classify(error: unknown): { kind: StorageFailureKind; why: string } {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return { kind: 'missing', why: `it does not exist (${code})` };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return { kind: 'denied', why: `permission denied (${code})` };
  }
  return { kind: 'unavailable', why: message };
}

/**
 * A folder on a mounted filesystem. Symbolic links are not followed, so nothing outside the
 * configured folder is ever listed or read.
 */
export class FilesystemBackupStorage implements BackupStorage {
  readonly description: string;

  private constructor(private readonly settings: FilesystemLocationSettings) {
    this.description = `folder ${settings.path}`;
  }

  static create(settings: FilesystemLocationSettings): FilesystemBackupStorage {
    if (!isAbsolute(settings.path)) {
      throw new Error(
        `location "${settings.name}": path "${settings.path}" must be absolute`,
      );
    }
    return new FilesystemBackupStorage(settings);
  }

  get name(): string {
    return this.settings.name;
  }

  private error(operation: string, error: unknown): StorageError {
    if (error instanceof StorageError) {
      return error;
    }
    const { kind, why } = classify(error);
    return new StorageError(
      `location "${this.name}" (${this.description}): ${operation} failed: ${why}`,
      kind,
    );
  }

  async list(signal: AbortSignal): Promise<StorageListing> {
    const root = this.settings.path;
    const objects: StoredObject[] = [];
    let requests = 0;
    const walk = async (dir: string): Promise<void> => {
      signal.throwIfAborted();
      requests += 1;
      const entries = await readdir(dir, { withFileTypes: true });
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(path);
        } else if (entry.isFile()) {
          const stats = await lstat(path);
          objects.push({
            key: relative(root, path).split(sep).join('/'),
            size: stats.size,
            lastModified: stats.mtime,
            version: `${stats.size}:${stats.mtimeMs}`,
          });
          if (objects.length > this.settings.maxListedObjects) {
            throw new StorageError(
              `location "${this.name}" (${this.description}): more than ${this.settings.maxListedObjects} files; ` +
                'point the location at a narrower folder or raise productionReadiness.backup.maxListedObjects',
              'too-large',
            );
          }
        }
      }
    };
    try {
      await walk(root);
    } catch (error) {
      throw this.error('listing', error);
    }
    return { objects, requests };
  }

  /** The real path of a listed key; refuses one that now resolves outside the location. */
  private async resolve(key: string, operation: string): Promise<string> {
    const root = await realpath(this.settings.path);
    const path = await realpath(join(root, ...key.split('/')));
    // Keys come from our own listing, but a file replaced by a link since then must not
    // lead outside the location.
    if (!path.startsWith(`${root}${sep}`)) {
      throw new StorageError(
        `location "${this.name}" (${this.description}): ${operation} refused: it resolves outside the location`,
        'denied',
      );
    }
    return path;
  }

  async sha256(key: string, signal: AbortSignal): Promise<string> {
    const operation = `reading "${key}" (checksum)`;
    try {
      signal.throwIfAborted();
      const path = await this.resolve(key, operation);
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path, { signal })) {
        hash.update(chunk as Buffer);
      }
      return hash.digest('hex');
    } catch (error) {
      throw this.error(operation, error);
    }
  }

  async read(key: string, signal: AbortSignal): Promise<Buffer> {
    const operation = `reading "${key}"`;
    try {
      signal.throwIfAborted();
      const path = await this.resolve(key, operation);
      const handle = await open(path, 'r');
      try {
        const { size } = await handle.stat();
        if (size > this.settings.maxObjectBytes) {
          throw new StorageError(
            `location "${this.name}" (${this.description}): ${operation}: ${size} bytes is more than the limit of ${this.settings.maxObjectBytes}`,
            'too-large',
          );
        }
        return await handle.readFile({ signal });
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw this.error(operation, error);
    }
  }
}
