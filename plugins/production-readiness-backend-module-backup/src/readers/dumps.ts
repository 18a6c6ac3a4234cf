import { Minimatch } from 'minimatch';
import { BackupRecord, BackupType, isoOrUndefined } from './types';

/** A sidecar manifest a dump job may write next to a dump: `<dump>.manifest.json`. */
export const DUMP_MANIFEST_SUFFIX = '.manifest.json';

/** The roles a dump job may write next to a dump (`pg_dumpall --globals-only`): not a backup of its own. */
export const DUMP_GLOBALS_SUFFIX = '.globals.sql';

/**
 * Reads a dump's manifest: `{ status, type, startedAt, finishedAt, sizeBytes, sha256, error }`,
 * all optional.
 */
export function applyDumpManifest(
  dump: BackupRecord,
  text: string,
  source: string,
): BackupRecord {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not valid JSON`);
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) {
    throw new Error(`${source}: not a JSON object`);
  }
  const type = manifest.type;
  const status = manifest.status;
  const sha256 = manifest.sha256;
  if (
    sha256 !== undefined &&
    (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256))
  ) {
    throw new Error(`${source}: sha256 is not 64 hexadecimal digits`);
  }
  const declared =
    typeof manifest.sizeBytes === 'number' ? manifest.sizeBytes : undefined;
  // The job wrote the manifest after the dump: an object of another size is not that dump.
  const replaced =
    declared !== undefined &&
    dump.storedBytes !== undefined &&
    declared !== dump.storedBytes
      ? `the object holds ${dump.storedBytes} bytes, its manifest declares ${declared}: truncated or replaced after the backup`
      : undefined;
  const failed = status === 'failed' || replaced !== undefined;
  return {
    ...dump,
    type: ['full', 'differential', 'incremental'].includes(type as string)
      ? (type as BackupType)
      : dump.type,
    startedAt: isoOrUndefined(manifest.startedAt) ?? dump.startedAt,
    finishedAt: isoOrUndefined(manifest.finishedAt) ?? dump.finishedAt,
    status: failed ? 'failed' : dump.status,
    problem:
      status === 'failed'
        ? `manifest says failed${
            typeof manifest.error === 'string' ? `: ${manifest.error}` : ''
          }`
        : replaced ?? dump.problem,
    declaredStoredBytes: declared,
    ...(sha256 ? { declaredSha256: sha256.toLowerCase() } : {}),
    source,
  };
}

/**
 * A dump object: any object under the prefix that is not a dump's companion (manifest,
 * globals, inventory) or a restore-test record.
 */
export function dumpRecord(object: {
  key: string;
  relativeKey: string;
  size: number;
  lastModified: Date;
}): BackupRecord {
  return {
    id: object.relativeKey,
    type: 'full',
    finishedAt: object.lastModified.toISOString(),
    status: 'succeeded',
    size: object.size,
    sizeUnit: 'bytes',
    storedBytes: object.size,
    source: object.key,
  };
}

/** The longest dump pattern accepted: a glob, not a program. */
const MAX_PATTERN_LENGTH = 200;

/**
 * Parses the `backup-dump-pattern` annotation: a glob over keys relative to the prefix. Only
 * `*`, `**`, `?` and character classes: no braces (a range such as `{1..99999}` would expand
 * into as many patterns), no extglobs, no negation, no comments, no absolute paths.
 */
export function parseDumpPattern(
  text: string,
): { ok: true; pattern: Minimatch } | { ok: false; error: string } {
  const fail = (why: string) => ({ ok: false as const, error: why });
  if (text.length > MAX_PATTERN_LENGTH) {
    return fail(`is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  if ([...text].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return fail('contains control characters');
  }
  if (text.startsWith('/') || text.split('/').includes('..')) {
    return fail(
      'must be relative to the backup prefix (no leading "/", no "..")',
    );
  }
  if (text.startsWith('!') || text.startsWith('#')) {
    return fail(
      'must name the dumps, not exclude them ("!" and "#" are not supported)',
    );
  }
  const pattern = new Minimatch(text, {
    dot: true,
    nonegate: true,
    nocomment: true,
    nobrace: true,
    noext: true,
  });
  if (pattern.set.length === 0) {
    return fail('matches nothing');
  }
  return { ok: true, pattern };
}
