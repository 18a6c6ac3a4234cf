import { WalFact } from './types';

/**
 * A WAL segment file name as archived by pgBackRest (`<24 hex>-<sha1>[.gz]`) or WAL-G
 * (`<24 hex>.<compression>`); `.backup`, `.partial` and `.history` files are not segments.
 */
const SEGMENT =
  /(?:^|\/)([0-9A-F]{24})(?:-[0-9a-f]{40})?(?:\.(?:gz|lz4|zst|bz2|xz|br|lzma))?$/;

const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
const FOUR_GIB = 2 ** 32;

/** One archived segment: `<timeline 8><log 8><segment 8>` hex, and where it sits in WAL. */
export interface WalSegment {
  name: string;
  key: string;
  archivedAt: string;
}

/** The segments of an archive, with their positions in the WAL stream. */
export interface WalArchive {
  segments: WalSegment[];
  /** Bytes per segment (wal_segment_size), as the backups' LSNs show it, else 16 MiB. */
  segmentBytes: number;
  /** The segments by their place in the WAL stream, whatever their timeline. */
  byPosition: Map<number, WalSegment>;
}

/** The archived segments among listed objects, oldest name first. */
export function walArchive(
  objects: Array<{ key: string; lastModified: Date }>,
  segmentBytes = DEFAULT_SEGMENT_BYTES,
): WalArchive {
  const segments: WalSegment[] = [];
  for (const object of objects) {
    const match = SEGMENT.exec(object.key);
    if (match) {
      segments.push({
        name: match[1],
        key: object.key,
        archivedAt: object.lastModified.toISOString(),
      });
    }
  }
  segments.sort((a, b) => a.name.localeCompare(b.name));
  return {
    segments,
    segmentBytes,
    byPosition: new Map(segments.map(s => [position(s.name, segmentBytes), s])),
  };
}

/**
 * The segment size a backup's start LSN and start segment agree on (PostgreSQL allows powers
 * of two from 1 MiB to 1 GiB); undefined when either is missing or none fits.
 */
export function segmentBytesOf(
  lsnStart: string | undefined,
  archiveStart: string | undefined,
): number | undefined {
  const lsn = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(lsnStart ?? '');
  if (!lsn || !archiveStart || !/^[0-9A-F]{24}$/.test(archiveStart)) {
    return undefined;
  }
  const bytes = parseInt(lsn[1], 16) * FOUR_GIB + parseInt(lsn[2], 16);
  for (let size = 2 ** 20; size <= 2 ** 30; size *= 2) {
    if (Math.floor(bytes / size) === position(archiveStart, size)) {
      return size;
    }
  }
  return undefined;
}

/** A segment's place in the WAL stream, whatever its timeline. */
function position(name: string, segmentBytes: number): number {
  const log = parseInt(name.slice(8, 16), 16);
  const segment = parseInt(name.slice(16, 24), 16);
  return log * (FOUR_GIB / segmentBytes) + segment;
}

/** The name of the segment at `at` on the timeline of `like`. */
function nameAt(at: number, like: string, segmentBytes: number): string {
  const perLog = FOUR_GIB / segmentBytes;
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${like.slice(0, 8)}${hex(Math.floor(at / perLog))}${hex(
    at % perLog,
  )}`;
}

/**
 * The first segment from `first` to `last` (inclusive) missing from the archive, on any
 * timeline; undefined when all are there.
 */
export function firstMissing(
  archive: WalArchive,
  first: string,
  last: string,
): string | undefined {
  const to = position(last, archive.segmentBytes);
  for (let at = position(first, archive.segmentBytes); at <= to; at++) {
    if (!archive.byPosition.has(at)) {
      return nameAt(at, first, archive.segmentBytes);
    }
  }
  return undefined;
}

/**
 * What the archive offers for point-in-time recovery: its newest segment, and, counted from
 * `from` (the segment a backup stopped in), the last segment reached without a gap: how far
 * the backup can be rolled forward.
 */
export function walFact(
  archive: WalArchive,
  from?: string,
): WalFact | undefined {
  const { segments, segmentBytes, byPosition } = archive;
  const newest = segments[segments.length - 1];
  if (!newest) {
    return undefined;
  }
  const fact: WalFact = {
    segment: newest.name,
    archivedAt: newest.archivedAt,
    key: newest.key,
    count: segments.length,
  };
  if (!from) {
    return fact;
  }
  let at = position(from, segmentBytes);
  if (!byPosition.has(at)) {
    return { ...fact, gap: { missing: from } };
  }
  while (byPosition.has(at + 1)) {
    at += 1;
  }
  const reached = byPosition.get(at)!;
  return {
    ...fact,
    reached: { segment: reached.name, archivedAt: reached.archivedAt },
    ...(position(newest.name, segmentBytes) <= at
      ? {}
      : {
          gap: {
            after: reached.name,
            missing: nameAt(at + 1, reached.name, segmentBytes),
          },
        }),
  };
}
