/** One object (or file) in a backup location; `key` is relative to the location's root. */
export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
  /** Changes whenever the content changes (S3 ETag, or size and mtime of a file). */
  version: string;
}

/** How a storage operation failed: decides between `fail` (configuration) and `error`. */
export type StorageFailureKind =
  /** The credentials were refused or lack permission. */
  | 'denied'
  /** The bucket or folder does not exist. */
  | 'missing'
  /** Timeout, connection refused, 5xx: the storage could not answer. */
  | 'unavailable'
  /** The storage answered with more than the configured limits allow. */
  | 'too-large';

/** A failure of a backup location, with a message naming the location and operation. */
export class StorageError extends Error {
  constructor(message: string, readonly kind: StorageFailureKind) {
    super(message);
    this.name = 'StorageError';
  }
}

/** A listing of a whole location. */
export interface StorageListing {
  objects: StoredObject[];
  /** Upstream requests the listing took (pages). */
  requests: number;
}

/** A configured backup location: S3-compatible bucket or filesystem folder. */
export interface BackupStorage {
  /** Name from `productionReadiness.backup.locations[].name`. */
  readonly name: string;
  /** For evidence and messages, without credentials: `s3 bucket "x" at https://...`. */
  readonly description: string;
  /** Lists every object of the location, paginating; fails past the configured limit. */
  list(signal: AbortSignal): Promise<StorageListing>;
  /** Reads one object fully; fails past the configured size limit. */
  read(key: string, signal: AbortSignal): Promise<Buffer>;
  /**
   * The SHA-256 (hex) of one object's content, streamed (nothing is held in memory, no size
   * limit): for verifying a backup against the checksum its job recorded. Bounded by `signal`.
   */
  sha256(key: string, signal: AbortSignal): Promise<string>;
}

/** Combines the caller's signal with a per-request timeout. */
export function requestSignal(
  signal: AbortSignal,
  timeoutMs: number,
): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
}

/** Describes why a signal aborted: the engine's time limit or the request timeout. */
export function abortReason(signal: AbortSignal, timeoutMs: number): string {
  // Duck-typed: the reason may be a DOMException from another realm.
  const reason = signal.reason as
    | { name?: string; message?: string }
    | undefined;
  if (reason?.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  return reason?.message || 'aborted';
}
