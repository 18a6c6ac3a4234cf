import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  abortReason,
  BackupStorage,
  requestSignal,
  StorageError,
  StorageFailureKind,
  StorageListing,
  StoredObject,
} from './BackupStorage';

/** Settings of an S3-compatible location, as read from config. */
export interface S3LocationSettings {
  name: string;
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  /** Root prefix inside the bucket (normalised, `''` or ending in `/`). */
  prefix: string;
  credentials?: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  };
  requestTimeoutMs: number;
  maxListedObjects: number;
  maxObjectBytes: number;
  maxAttempts: number;
}

const DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'Forbidden',
]);

function classify(error: unknown): { kind: StorageFailureKind; why: string } {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  if (name === 'NoSuchBucket') {
    return { kind: 'missing', why: 'the bucket does not exist (NoSuchBucket)' };
  }
  if (name === 'NoSuchKey') {
    return { kind: 'missing', why: 'the object does not exist (NoSuchKey)' };
  }
  if (DENIED.has(name) || status === 401 || status === 403) {
    return {
      kind: 'denied',
      why: `the configured credentials were refused (${name}${
        status ? `, HTTP ${status}` : ''
      })`,
    };
  }
  const code = e.code ? ` ${e.code}` : '';
  const message = (e.message ?? String(error)).split('\n')[0].slice(0, 200);
  return {
    kind: 'unavailable',
    why: status
      ? `HTTP ${status} ${name}: ${message}`
      : `${name}${code}: ${message}`,
  };
}

/** A bucket on AWS S3 or an S3-compatible server, read with `@aws-sdk/client-s3`. */
export class S3BackupStorage implements BackupStorage {
  readonly description: string;

  private constructor(
    private readonly settings: S3LocationSettings,
    private readonly client: S3Client,
  ) {
    this.description = `s3 bucket "${settings.bucket}"${
      settings.endpoint ? ` at ${settings.endpoint}` : ` in ${settings.region}`
    }`;
  }

  static create(settings: S3LocationSettings): S3BackupStorage {
    const client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      maxAttempts: settings.maxAttempts,
    });
    return new S3BackupStorage(settings, client);
  }

  get name(): string {
    return this.settings.name;
  }

  private fail(operation: string, error: unknown, signal: AbortSignal): never {
    if (signal.aborted) {
      throw new StorageError(
        `location "${this.name}" (${
          this.description
        }): ${operation} failed: ${abortReason(
          signal,
          this.settings.requestTimeoutMs,
        )}`,
        'unavailable',
      );
    }
    const { kind, why } = classify(error);
    throw new StorageError(
      `location "${this.name}" (${this.description}): ${operation} failed: ${why}`,
      kind,
    );
  }

  async list(signal: AbortSignal): Promise<StorageListing> {
    const { bucket, prefix, requestTimeoutMs, maxListedObjects } =
      this.settings;
    const objects: StoredObject[] = [];
    let continuationToken: string | undefined;
    let requests = 0;
    do {
      const pageSignal = requestSignal(signal, requestTimeoutMs);
      requests += 1;
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix || undefined,
            ContinuationToken: continuationToken,
            MaxKeys: 1000,
          }),
          { abortSignal: pageSignal },
        );
      } catch (error) {
        this.fail(`ListObjectsV2 of prefix "${prefix}"`, error, pageSignal);
      }
      for (const item of page.Contents ?? []) {
        if (!item.Key || item.Key.endsWith('/')) {
          continue;
        }
        objects.push({
          key: item.Key.slice(prefix.length),
          size: item.Size ?? 0,
          lastModified: item.LastModified ?? new Date(0),
          version: `${item.ETag ?? ''}:${item.Size ?? 0}`,
        });
      }
      if (objects.length > maxListedObjects) {
        throw new StorageError(
          `location "${this.name}" (${this.description}): more than ${maxListedObjects} objects under prefix "${prefix}"; ` +
            'narrow the location with its `prefix` or raise productionReadiness.backup.maxListedObjects',
          'too-large',
        );
      }
      continuationToken = page.IsTruncated
        ? page.NextContinuationToken
        : undefined;
    } while (continuationToken);
    return { objects, requests };
  }

  async sha256(key: string, signal: AbortSignal): Promise<string> {
    const { bucket, prefix } = this.settings;
    const operation = `GetObject "${key}" (checksum)`;
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }),
        { abortSignal: signal },
      );
      const hash = createHash('sha256');
      for await (const chunk of (response.Body ??
        []) as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
      }
      return hash.digest('hex');
    } catch (error) {
      return this.fail(operation, error, signal);
    }
  }

  async read(key: string, signal: AbortSignal): Promise<Buffer> {
    const { bucket, prefix, requestTimeoutMs, maxObjectBytes } = this.settings;
    const operation = `GetObject "${key}"`;
    const objectSignal = requestSignal(signal, requestTimeoutMs);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }),
        { abortSignal: objectSignal },
      );
      if ((response.ContentLength ?? 0) > maxObjectBytes) {
        (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new StorageError(
          `location "${this.name}" (${this.description}): ${operation} is ${response.ContentLength} bytes, more than the limit of ${maxObjectBytes}`,
          'too-large',
        );
      }
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of (response.Body ??
        []) as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > maxObjectBytes) {
          (response.Body as { destroy?: () => void }).destroy?.();
          throw new StorageError(
            `location "${this.name}" (${this.description}): ${operation} is more than the limit of ${maxObjectBytes} bytes`,
            'too-large',
          );
        }
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    } catch (error) {
      if (error instanceof StorageError) {
        throw error;
      }
      return this.fail(operation, error, objectSignal);
    }
  }
}
