/*
 * Object helpers for tests and the demo that use the S3-protocol server: a client for it, and
 * uploading, listing and deleting keys in bulk.
 */
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { TestS3 } from './s3';
import pLimit from 'p-limit';

/** An S3 client for the test server (or a proxy in front of it at `endpoint`). */
export function s3Client(s3: TestS3, endpoint = s3.endpoint): S3Client {
  return new S3Client({
    endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: s3.credentials,
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name));
}

/** Uploads every file of a folder to `bucket` under `prefix`, keeping relative paths. */
export async function uploadFolder(
  client: S3Client,
  bucket: string,
  dir: string,
  prefix: string,
): Promise<number> {
  const files = await filesUnder(dir);
  const limit = pLimit(16);
  await Promise.all(
    files.map(file =>
      limit(async () =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${prefix}${relative(dir, file).split(sep).join('/')}`,
            Body: await readFile(file),
          }),
        ),
      ),
    ),
  );
  return files.length;
}

export async function putObjects(
  client: S3Client,
  bucket: string,
  objects: Record<string, string | Buffer>,
): Promise<void> {
  const limit = pLimit(16);
  await Promise.all(
    Object.entries(objects).map(([Key, Body]) =>
      limit(() =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key, Body })),
      ),
    ),
  );
}

export async function listKeys(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<Array<{ key: string; size: number }>> {
  const keys: Array<{ key: string; size: number }> = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ContinuationToken: token,
      }),
    );
    keys.push(
      ...(page.Contents ?? []).map(c => ({ key: c.Key!, size: c.Size ?? 0 })),
    );
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function deleteKeys(
  client: S3Client,
  bucket: string,
  keys: string[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 500) {
    await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(i, i + 500).map(Key => ({ Key })) },
      }),
    );
  }
}
