import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Minimatch } from 'minimatch';
import {
  ANNOTATIONS,
  BACKUP_INVENTORY_SUFFIX,
  EVIDENCE_OWNER,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CollectedFacts,
  CollectorContext,
  describeError,
  EvidenceClaim,
  FactCollector,
  PushedEvidenceService,
} from '@production-readiness/plugin-production-readiness-node';
import pLimit from 'p-limit';
import { BACKUP_MODULE_ANNOTATIONS } from '../annotations';
import { backupClaims } from './claims';
import { DumpChecksums, DumpsToCheck } from './dumpChecksums';
import { DEFAULT_DUMP_CHECKSUMS, DumpChecksumSettings } from '../config';
import {
  addPushedBackupRecords,
  readPushedBackupRecords,
} from './pushedRecords';
import {
  applyDumpManifest,
  DUMP_GLOBALS_SUFFIX,
  DUMP_MANIFEST_SUFFIX,
  dumpRecord,
  parseDumpPattern,
} from '../readers/dumps';
import { parseBackupInfo, PgBackRestInfo } from '../readers/pgbackrest';
import { judgeChain } from '../readers/pgbackrestChain';
import { segmentBytesOf, walArchive, walFact } from '../readers/walArchive';
import {
  parseRestoreTestRecord,
  RESTORE_TEST_SUFFIX,
  StoredRestoreTest,
} from '../readers/restoreTests';
import {
  BACKUP_TOOLS,
  BackupRecord,
  BackupTool,
  newestBackupFirst,
  newestFinishedFirst,
  WalFact,
} from '../readers/types';
import { parseVeleroBackup } from '../readers/velero';
import { parseWalgSentinel } from '../readers/walg';
import {
  BackupStorage,
  StorageError,
  StorageFailureKind,
  StoredObject,
} from '../storage/BackupStorage';
import { isSafeName, normalizePrefix } from '../storage/prefix';

/** Id checks use to read this collector's facts. */
export const BACKUP_COLLECTOR_ID = 'backup-storage';

/** What the collector found for one entity. */
export interface BackupFacts {
  location: string;
  /** `s3 bucket "x" at ...` or `folder /mnt/...`, never credentials. */
  locationDescription?: string;
  tool?: BackupTool;
  prefix: string;
  restoreTestPrefix: string;
  stanza?: string;
  /** The entity's annotations cannot be used; nothing was read for it. */
  misconfigured?: string;
  /** The location (or the entity's metadata in it) could not be read. */
  failure?: { kind: StorageFailureKind | 'garbage'; reason: string };
  /** When the location was listed, ISO 8601. */
  listedAt?: string;
  /** Objects found under the entity's prefix. */
  objectCount: number;
  /** Newest first. */
  backups: BackupRecord[];
  wal?: WalFact;
  /**
   * pgBackRest after a stanza upgrade: the current cluster, the earlier ones, and how many of
   * their backups and WAL segments were not counted.
   */
  cluster?: {
    dbId: number;
    version?: string;
    earlier: Array<{ dbId: number; version: string }>;
    uncountedBackups: number;
    uncountedSegments: number;
  };
  /**
   * Backup runs the backup job pushed to the API (`backup-run` records) that the location's
   * metadata does not describe: the newest per entity, e.g. a failed run that left no backup.
   */
  pushedRuns: BackupRecord[];
  /** From the location and pushed to the API, newest first (by finishedAt). */
  restoreTests: StoredRestoreTest[];
  /** Metadata files that were skipped because they could not be parsed. */
  unreadable: string[];
}

type Parsed =
  | { kind: 'pgbackrest'; info: PgBackRestInfo }
  | {
      kind: 'walg' | 'velero' | 'restore-test' | 'manifest' | 'prefix-owner';
      text: string;
    };

interface CachedRead {
  version: string;
  value: Parsed | { kind: 'garbage'; reason: string };
}

/** Metadata every listing is scanned for, whichever entities asked: reads depend on the bucket. */
const METADATA: Array<{ kind: Parsed['kind']; pattern: RegExp }> = [
  {
    kind: 'pgbackrest',
    pattern: /(^|\/)backup\/[^/]+\/backup\.info(\.copy)?$/,
  },
  {
    kind: 'walg',
    pattern: /(^|\/)basebackups_005\/[^/]+_backup_stop_sentinel\.json$/,
  },
  { kind: 'velero', pattern: /(^|\/)backups\/[^/]+\/velero-backup\.json$/ },
  { kind: 'restore-test', pattern: /restore-test\.json$/ },
  { kind: 'manifest', pattern: /\.manifest\.json$/ },
  // EVIDENCE_OWNER.backupPrefixManifest: the entity a prefix belongs to.
  { kind: 'prefix-owner', pattern: /(^|\/)production-readiness\.json$/ },
];

function metadataKind(key: string): Parsed['kind'] | undefined {
  return METADATA.find(m => m.pattern.test(key))?.kind;
}

interface Target {
  entityRef: string;
  location: BackupStorage;
  tool?: BackupTool;
  prefix: string;
  restoreTestPrefix: string;
  stanza?: string;
  /** With tool `dump`: which objects under the prefix are dumps. */
  dumpPattern?: Minimatch;
}

type SnapshotRead =
  | CachedRead['value']
  | { kind: 'failed'; error: StorageError };

type ReadFn = (key: string) => SnapshotRead | undefined;

interface LocationSnapshot {
  objects: StoredObject[];
  byKey: ReadonlyMap<string, StoredObject>;
  listedAt: string;
  reads: Map<string, SnapshotRead>;
}

/**
 * Collects backup facts for the whole fleet: each location the fleet's entities name is listed
 * once per refresh (paginated), every backup-tool metadata file in it is read at most once
 * (and not again while it is unchanged), then each entity's facts are cut from memory.
 */
export class BackupCollector implements FactCollector<BackupFacts> {
  readonly id = BACKUP_COLLECTOR_ID;
  readonly title = 'Backup storage';
  private readonly cache = new Map<string, CachedRead>();

  private constructor(
    private readonly locations: Map<string, BackupStorage>,
    private readonly readConcurrency: number,
    private readonly checksums: DumpChecksums,
    private readonly pushedEvidence?: PushedEvidenceService,
  ) {}

  static create(options: {
    locations: BackupStorage[];
    readConcurrency?: number;
    /** Checking dumps against the SHA-256 their manifest records. */
    dumpChecksums?: DumpChecksumSettings;
    /** Restore tests and backup runs pushed to the API, read next to the location's. */
    pushedEvidence?: PushedEvidenceService;
  }): BackupCollector {
    return new BackupCollector(
      new Map(options.locations.map(l => [l.name, l])),
      options.readConcurrency ?? 8,
      new DumpChecksums(options.dumpChecksums ?? DEFAULT_DUMP_CHECKSUMS),
      options.pushedEvidence,
    );
  }

  appliesTo(entity: Entity): boolean {
    return Boolean(
      entity.metadata.annotations?.[ANNOTATIONS.backupLocation]?.trim(),
    );
  }

  missingDeclaration(entity: Entity): { summary: string; remediation: string } {
    const type = (entity.spec as { type?: unknown } | undefined)?.type;
    return {
      summary: `No backup location declared for this ${
        typeof type === 'string' ? `${type} ` : ''
      }${entity.kind}: it holds data, and nothing shows it is backed up`,
      remediation: `In catalog-info.yaml add \`${ANNOTATIONS.backupLocation}: <name of a location in productionReadiness.backup.locations>\`, \`${ANNOTATIONS.backupPrefix}: <folder of its backups in that location>\` and \`${ANNOTATIONS.backupTool}: pgbackrest | wal-g | velero | dump\`. If it holds no data, its type should not count as a data store: ask the platform team to adjust productionReadiness.coverage (statefulTypes, nonStatefulTypes).`,
    };
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<BackupFacts>> {
    const facts = new Map<string, BackupFacts>();
    const claims = new Map<string, EvidenceClaim[]>();
    const targets: Target[] = [];
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      const target = this.target(entity, entityRef);
      if (target && 'entityRef' in target) {
        targets.push(target);
      } else if (target) {
        facts.set(entityRef, target);
      }
    }

    const snapshots = new Map<string, LocationSnapshot | StorageError>();
    const needed = [...new Set(targets.map(t => t.location))];
    const limit = pLimit(4);
    await Promise.all(
      needed.map(location =>
        limit(async () => {
          snapshots.set(
            location.name,
            await this.snapshot(location, context).catch(error => {
              if (error instanceof StorageError) {
                return error;
              }
              throw error;
            }),
          );
        }),
      ),
    );

    const pushed = this.pushedEvidence
      ? await readPushedBackupRecords(
          this.pushedEvidence,
          targets.map(t => t.entityRef),
        )
      : undefined;

    const dumps: DumpsToCheck[] = [];
    for (const target of targets) {
      const snapshot = snapshots.get(target.location.name)!;
      const entityFacts = this.factsFor(target, snapshot);
      if (entityFacts.tool === 'dump' && !(snapshot instanceof StorageError)) {
        dumps.push({
          location: target.location,
          prefix: target.prefix,
          backups: entityFacts.backups,
          objects: snapshot.byKey,
          unreadable: entityFacts.unreadable,
        });
      }
      if (pushed) {
        addPushedBackupRecords(entityFacts, target.entityRef, pushed);
      }
      facts.set(target.entityRef, entityFacts);
      const manifest =
        snapshot instanceof StorageError
          ? undefined
          : snapshot.reads.get(
              `${target.prefix}${EVIDENCE_OWNER.backupPrefixManifest}`,
            );
      claims.set(
        target.entityRef,
        backupClaims({
          target: { ...target, location: target.location.name },
          prefixManifest:
            manifest?.kind === 'prefix-owner' ? manifest.text : undefined,
          restoreTests: entityFacts.restoreTests,
        }),
      );
    }
    await this.checksums.check(dumps, context);
    return { facts, claims };
  }

  /** Validates an entity's annotations; never lets a value leave the configured location. */
  private target(
    entity: Entity,
    entityRef: string,
  ): Target | BackupFacts | undefined {
    const annotations = entity.metadata.annotations ?? {};
    const locationName = annotations[ANNOTATIONS.backupLocation]?.trim();
    if (!locationName) {
      return undefined;
    }
    const base: BackupFacts = {
      location: locationName,
      prefix: '',
      restoreTestPrefix: '',
      objectCount: 0,
      backups: [],
      restoreTests: [],
      pushedRuns: [],
      unreadable: [],
    };
    const misconfigured = (why: string): BackupFacts => ({
      ...base,
      misconfigured: why,
    });
    const location = this.locations.get(locationName);
    if (!location) {
      const known = [...this.locations.keys()];
      return misconfigured(
        `annotation ${
          ANNOTATIONS.backupLocation
        } names location "${locationName.slice(
          0,
          64,
        )}", which is not configured in productionReadiness.backup.locations (${
          known.length ? `configured: ${known.join(', ')}` : 'none configured'
        })`,
      );
    }
    const prefix = normalizePrefix(
      ANNOTATIONS.backupPrefix,
      annotations[ANNOTATIONS.backupPrefix],
    );
    if (!prefix.ok) {
      return misconfigured(prefix.error);
    }
    const restorePrefix = normalizePrefix(
      ANNOTATIONS.restoreTestPrefix,
      annotations[ANNOTATIONS.restoreTestPrefix],
    );
    if (!restorePrefix.ok) {
      return misconfigured(restorePrefix.error);
    }
    const toolText = annotations[ANNOTATIONS.backupTool]?.trim();
    if (toolText && !BACKUP_TOOLS.includes(toolText as BackupTool)) {
      return misconfigured(
        `annotation ${
          ANNOTATIONS.backupTool
        } must be one of ${BACKUP_TOOLS.join(', ')}, got "${toolText.slice(
          0,
          64,
        )}"`,
      );
    }
    const stanza = annotations[BACKUP_MODULE_ANNOTATIONS.stanza]?.trim();
    if (stanza !== undefined && !isSafeName(stanza)) {
      return misconfigured(
        `annotation ${BACKUP_MODULE_ANNOTATIONS.stanza} must be a stanza name (letters, digits, ".", "_", "-")`,
      );
    }
    const patternText =
      annotations[BACKUP_MODULE_ANNOTATIONS.dumpPattern]?.trim() || undefined;
    let dumpPattern: Minimatch | undefined;
    if (patternText !== undefined) {
      if (toolText !== 'dump') {
        return misconfigured(
          `annotation ${BACKUP_MODULE_ANNOTATIONS.dumpPattern} applies to ${ANNOTATIONS.backupTool}: dump only`,
        );
      }
      const parsed = parseDumpPattern(patternText);
      if (!parsed.ok) {
        return misconfigured(
          `annotation ${
            BACKUP_MODULE_ANNOTATIONS.dumpPattern
          } "${patternText.slice(0, 80)}" ${parsed.error}`,
        );
      }
      dumpPattern = parsed.pattern;
    }
    return {
      entityRef,
      location,
      dumpPattern,
      tool: toolText as BackupTool | undefined,
      prefix: prefix.prefix,
      restoreTestPrefix:
        annotations[ANNOTATIONS.restoreTestPrefix] !== undefined
          ? restorePrefix.prefix
          : prefix.prefix,
      stanza,
    };
  }

  /** Lists a location once and reads the tool metadata in it that changed since last time. */
  private async snapshot(
    location: BackupStorage,
    { signal, logger }: CollectorContext,
  ): Promise<LocationSnapshot> {
    const listing = await location.list(signal);
    const listedAt = new Date().toISOString();
    const reads: LocationSnapshot['reads'] = new Map();
    const keysSeen = new Set<string>();
    const toRead: Array<{ object: StoredObject; kind: Parsed['kind'] }> = [];
    for (const object of listing.objects) {
      const kind = metadataKind(object.key);
      if (!kind) {
        continue;
      }
      const cacheKey = `${location.name}\u0000${object.key}`;
      keysSeen.add(cacheKey);
      const cached = this.cache.get(cacheKey);
      if (cached?.version === object.version) {
        reads.set(object.key, cached.value);
      } else {
        toRead.push({ object, kind });
      }
    }
    // Forget metadata that is gone from this location.
    for (const cacheKey of this.cache.keys()) {
      if (
        cacheKey.startsWith(`${location.name}\u0000`) &&
        !keysSeen.has(cacheKey)
      ) {
        this.cache.delete(cacheKey);
      }
    }
    const limit = pLimit(this.readConcurrency);
    await Promise.all(
      toRead.map(({ object, kind }) =>
        limit(async () => {
          let text: string;
          try {
            text = (await location.read(object.key, signal)).toString('utf8');
          } catch (error) {
            if (!(error instanceof StorageError)) {
              throw error;
            }
            reads.set(object.key, { kind: 'failed', error });
            return;
          }
          let value: CachedRead['value'];
          try {
            value =
              kind === 'pgbackrest'
                ? { kind, info: parseBackupInfo(text, object.key) }
                : { kind, text };
          } catch (error) {
            value = { kind: 'garbage', reason: describeError(error) };
          }
          this.cache.set(`${location.name}\u0000${object.key}`, {
            version: object.version,
            value,
          });
          reads.set(object.key, value);
        }),
      ),
    );
    logger.debug(
      `Listed backup location ${location.name}: ${listing.objects.length} objects in ${listing.requests} requests, read ${toRead.length} metadata files`,
    );
    return {
      objects: listing.objects,
      byKey: new Map(listing.objects.map(o => [o.key, o])),
      listedAt,
      reads,
    };
  }

  private factsFor(
    target: Target,
    snapshot: LocationSnapshot | StorageError,
  ): BackupFacts {
    const facts: BackupFacts = {
      location: target.location.name,
      locationDescription: target.location.description,
      tool: target.tool,
      prefix: target.prefix,
      restoreTestPrefix: target.restoreTestPrefix,
      stanza: target.stanza,
      objectCount: 0,
      backups: [],
      restoreTests: [],
      pushedRuns: [],
      unreadable: [],
    };
    if (snapshot instanceof StorageError) {
      return {
        ...facts,
        failure: { kind: snapshot.kind, reason: snapshot.message },
      };
    }
    facts.listedAt = snapshot.listedAt;
    const under = (prefix: string) =>
      snapshot.objects.filter(o => o.key.startsWith(prefix));
    const objects = under(target.prefix);
    facts.objectCount = objects.length;
    const tool = target.tool ?? detectTool(objects, target.prefix);
    facts.tool = tool;

    const read = (key: string) => snapshot.reads.get(key);
    const failure = (key: string) => {
      const value = read(key);
      return value?.kind === 'failed' ? value.error : undefined;
    };
    // A metadata file that could not be read makes the entity's data incomplete: error, not
    // a verdict on partial data.
    const readFailure = objects
      .map(o => failure(o.key))
      .find((e): e is StorageError => e !== undefined);
    if (readFailure) {
      return {
        ...facts,
        failure: { kind: readFailure.kind, reason: readFailure.message },
      };
    }

    const rel = (key: string) => key.slice(target.prefix.length);
    try {
      if (tool === 'pgbackrest') {
        Object.assign(facts, this.pgbackrest(target, objects, read, rel));
      } else if (tool === 'wal-g') {
        Object.assign(facts, this.walg(objects, read, rel, facts.unreadable));
      } else if (tool === 'velero') {
        Object.assign(facts, this.velero(objects, read, rel, facts.unreadable));
      } else if (tool === 'dump') {
        facts.backups = this.dumps(
          target,
          objects,
          read,
          rel,
          facts.unreadable,
        );
      }
    } catch (error) {
      return {
        ...facts,
        failure: { kind: 'garbage', reason: describeError(error) },
      };
    }
    facts.backups.sort(newestBackupFirst);

    for (const object of under(target.restoreTestPrefix)) {
      const value = read(object.key);
      if (value?.kind === 'garbage') {
        facts.unreadable.push(value.reason);
      } else if (value?.kind === 'restore-test') {
        try {
          const record = parseRestoreTestRecord(value.text, object.key);
          if (!record.entityRef || record.entityRef === target.entityRef) {
            facts.restoreTests.push(record);
          }
        } catch (error) {
          facts.unreadable.push(describeError(error));
        }
      }
    }
    facts.restoreTests.sort(newestFinishedFirst);
    return facts;
  }

  private pgbackrest(
    target: Target,
    objects: StoredObject[],
    read: ReadFn,
    rel: (key: string) => string,
  ): Partial<BackupFacts> {
    const stanzas = new Set<string>();
    for (const object of objects) {
      const match = /^backup\/([^/]+)\/backup\.info(\.copy)?$/.exec(
        rel(object.key),
      );
      if (match) {
        stanzas.add(match[1]);
      }
    }
    let stanza = target.stanza;
    if (!stanza) {
      if (stanzas.size > 1) {
        throw new Error(
          `the pgBackRest repository under prefix "${
            target.prefix
          }" holds stanzas ${[...stanzas].join(', ')}; set ${
            BACKUP_MODULE_ANNOTATIONS.stanza
          } to one of them`,
        );
      }
      stanza = [...stanzas][0];
    }
    if (!stanza || !stanzas.has(stanza)) {
      return { stanza, backups: [] };
    }
    const infoKey = `${target.prefix}backup/${stanza}/backup.info`;
    // pgBackRest keeps a copy in case the main file is damaged.
    let info = read(infoKey);
    if (!info || info.kind === 'garbage') {
      const copy = read(`${infoKey}.copy`);
      if (copy?.kind === 'pgbackrest') {
        info = copy;
      }
    }
    if (info?.kind === 'garbage') {
      throw new Error(info.reason);
    }
    if (info?.kind !== 'pgbackrest') {
      return { stanza, backups: [] };
    }
    const stored = new Map<string, number>();
    const backupDir = `${target.prefix}backup/${stanza}/`;
    for (const object of objects) {
      if (!object.key.startsWith(backupDir)) {
        continue;
      }
      const [label, ...rest] = object.key.slice(backupDir.length).split('/');
      if (rest.length && !/^backup\.manifest(\.copy)?$/.test(rest.join('/'))) {
        stored.set(label, (stored.get(label) ?? 0) + object.size);
      }
    }
    // Only the current cluster counts: after a stanza upgrade (a new PostgreSQL major
    // version or a new cluster), the old cluster's backups and WAL restore the old one.
    const { dbId, dbVersion, clusters } = info.info;
    const ofCurrent = (backupDbId?: number) =>
      dbId === undefined || backupDbId === undefined || backupDbId === dbId;
    const current = info.info.backups.filter(b => ofCurrent(b.dbId));
    const archiveDir = `${target.prefix}archive/${stanza}/`;
    const clusterDir =
      dbId !== undefined && dbVersion
        ? `${archiveDir}${dbVersion}-${dbId}/`
        : archiveDir;
    const archived = objects.filter(o => o.key.startsWith(archiveDir));
    const archive = walArchive(
      archived.filter(o => o.key.startsWith(clusterDir)),
      current
        .map(b => segmentBytesOf(b.lsnStart, b.archiveStart))
        .find(size => size !== undefined),
    );
    const backups = judgeChain(current, stored, archive);
    const newestRestorable = [...backups]
      .sort(newestBackupFirst)
      .find(b => b.status === 'succeeded');
    const wal = walFact(
      archive,
      current.find(b => b.id === newestRestorable?.id)?.archiveStop,
    );
    const earlier = clusters.filter(c => dbId !== undefined && c.dbId < dbId);
    return {
      stanza,
      backups,
      wal,
      ...(dbId !== undefined && earlier.length
        ? {
            cluster: {
              dbId,
              version: dbVersion,
              earlier,
              uncountedBackups: info.info.backups.length - current.length,
              uncountedSegments:
                walArchive(archived).segments.length - archive.segments.length,
            },
          }
        : {}),
    };
  }

  private walg(
    objects: StoredObject[],
    read: ReadFn,
    rel: (key: string) => string,
    unreadable: string[],
  ): Partial<BackupFacts> {
    const stored = new Map<string, number>();
    const sentinels: StoredObject[] = [];
    for (const object of objects) {
      const key = rel(object.key);
      const sentinel =
        /^basebackups_005\/([^/]+)_backup_stop_sentinel\.json$/.exec(key);
      const data = /^basebackups_005\/([^/]+)\//.exec(key);
      if (sentinel) {
        sentinels.push(object);
      } else if (data && !key.endsWith('/metadata.json')) {
        stored.set(data[1], (stored.get(data[1]) ?? 0) + object.size);
      }
    }
    const backups: BackupRecord[] = [];
    for (const object of sentinels) {
      const name = /([^/]+)_backup_stop_sentinel\.json$/.exec(object.key)![1];
      const value = read(object.key);
      if (value?.kind === 'garbage') {
        unreadable.push(value.reason);
        continue;
      }
      if (value?.kind !== 'walg') {
        continue;
      }
      try {
        backups.push({
          ...parseWalgSentinel(
            name,
            value.text,
            object.key,
            object.lastModified,
          ),
          storedBytes: stored.get(name) ?? 0,
        });
      } catch (error) {
        unreadable.push(describeError(error));
      }
    }
    const wal = walFact(
      walArchive(objects.filter(o => rel(o.key).startsWith('wal_005/'))),
    );
    return { backups, wal };
  }

  private velero(
    objects: StoredObject[],
    read: ReadFn,
    rel: (key: string) => string,
    unreadable: string[],
  ): Partial<BackupFacts> {
    const backups: BackupRecord[] = [];
    for (const object of objects) {
      const match = /^backups\/([^/]+)\/velero-backup\.json$/.exec(
        rel(object.key),
      );
      if (!match) {
        continue;
      }
      const value = read(object.key);
      if (value?.kind === 'garbage') {
        unreadable.push(value.reason);
        continue;
      }
      if (value?.kind !== 'velero') {
        continue;
      }
      try {
        const record = parseVeleroBackup(
          match[1],
          value.text,
          object.key,
          object.lastModified,
        );
        if (record) {
          backups.push(record);
        }
      } catch (error) {
        unreadable.push(describeError(error));
      }
    }
    return { backups };
  }

  private dumps(
    target: Target,
    objects: StoredObject[],
    read: ReadFn,
    rel: (key: string) => string,
    unreadable: string[],
  ): BackupRecord[] {
    const keys = new Set(objects.map(o => o.key));
    const backups: BackupRecord[] = [];
    for (const object of objects) {
      const separateRestorePrefix =
        target.restoreTestPrefix !== target.prefix &&
        object.key.startsWith(target.restoreTestPrefix);
      if (
        object.key.endsWith(DUMP_MANIFEST_SUFFIX) ||
        object.key.endsWith(BACKUP_INVENTORY_SUFFIX) ||
        object.key.endsWith(DUMP_GLOBALS_SUFFIX) ||
        object.key.endsWith(RESTORE_TEST_SUFFIX) ||
        object.key ===
          `${target.prefix}${EVIDENCE_OWNER.backupPrefixManifest}` ||
        separateRestorePrefix ||
        (target.dumpPattern && !target.dumpPattern.match(rel(object.key)))
      ) {
        continue;
      }
      let record = dumpRecord({ ...object, relativeKey: rel(object.key) });
      const manifestKey = `${object.key}${DUMP_MANIFEST_SUFFIX}`;
      if (keys.has(manifestKey)) {
        const value = read(manifestKey);
        if (value?.kind === 'garbage') {
          unreadable.push(value.reason);
        } else if (value?.kind === 'manifest') {
          try {
            record = applyDumpManifest(record, value.text, manifestKey);
          } catch (error) {
            unreadable.push(describeError(error));
          }
        }
      }
      backups.push(record);
    }
    return backups;
  }
}

/** Recognises the tool from what lies under the prefix, when the annotation does not say. */
function detectTool(
  objects: StoredObject[],
  prefix: string,
): BackupTool | undefined {
  const keys = objects.map(o => o.key.slice(prefix.length));
  if (keys.some(k => /^backup\/[^/]+\/backup\.info$/.test(k)))
    return 'pgbackrest';
  if (keys.some(k => k.startsWith('basebackups_005/'))) return 'wal-g';
  if (keys.some(k => /^backups\/[^/]+\/velero-backup\.json$/.test(k)))
    return 'velero';
  return undefined;
}
