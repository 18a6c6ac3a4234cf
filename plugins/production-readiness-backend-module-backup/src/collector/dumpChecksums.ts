import {
  CollectorContext,
  describeError,
} from '@production-readiness/plugin-production-readiness-node';
import { DumpChecksumSettings } from '../config';
import { BackupRecord } from '../readers/types';
import { BackupStorage, StoredObject } from '../storage/BackupStorage';

/** One entity's dumps, as the collector read them, and where they are. */
export interface DumpsToCheck {
  location: BackupStorage;
  prefix: string;
  /** Newest first. */
  backups: BackupRecord[];
  /** The listing's objects by key. */
  objects: ReadonlyMap<string, StoredObject>;
  unreadable: string[];
}

const MATCHES = 'SHA-256 matches the manifest';

/** Holds a dump against the checksum its manifest recorded; a mismatch fails it. */
function judge(backup: BackupRecord, actual: string): 'match' | 'mismatch' {
  if (actual === backup.declaredSha256) {
    backup.checksum = MATCHES;
    return 'match';
  }
  backup.status = 'failed';
  backup.checksum = 'SHA-256 differs from the manifest';
  backup.problem = `its content's SHA-256 is ${actual}, its manifest recorded ${backup.declaredSha256}: corrupted or replaced after the backup`;
  return 'mismatch';
}

/**
 * Checks dumps against the SHA-256 their manifest recorded: a dump whose content has another
 * checksum is corrupted or was replaced after the backup, and is failed. Each object version
 * is read once (the verdict is kept); per refresh at most `bytesPerRefresh` are read, within
 * `timeoutMs`, newest dumps first. Per entity the newest dumps are checked until one matches.
 */
export class DumpChecksums {
  private readonly verdicts = new Map<
    string,
    { version: string; sha256: string }
  >();

  constructor(private readonly settings: DumpChecksumSettings) {}

  async check(
    entities: DumpsToCheck[],
    context: CollectorContext,
  ): Promise<void> {
    const budget = { bytes: this.settings.bytesPerRefresh };
    const signal = AbortSignal.any([
      context.signal,
      AbortSignal.timeout(this.settings.timeoutMs),
    ]);
    const listed = new Set<string>();
    // Verdicts already known apply to every dump still listed, without reading anything.
    for (const entity of entities) {
      for (const backup of entity.backups) {
        const object = entity.objects.get(`${entity.prefix}${backup.id}`);
        if (!backup.declaredSha256 || !object) continue;
        const cacheKey = this.cacheKey(entity, backup);
        listed.add(cacheKey);
        const known = this.verdicts.get(cacheKey);
        if (
          known?.version === object.version &&
          backup.status === 'succeeded'
        ) {
          judge(backup, known.sha256);
        }
      }
    }
    // Then the newest dump of each entity not known to match is read, one per entity per
    // round so the budget is shared; past a mismatch, the next older one too.
    let queues = entities.map(entity => ({
      entity,
      pending: entity.backups.filter(
        b => b.declaredSha256 && b.status === 'succeeded',
      ),
    }));
    while (queues.length) {
      const next: typeof queues = [];
      for (const queue of queues) {
        const backup = queue.pending.shift();
        if (
          backup &&
          (await this.read(queue.entity, backup, budget, signal)) === 'mismatch'
        ) {
          next.push(queue);
        }
      }
      queues = next;
    }
    // Verdicts of dumps no longer listed under the prefixes checked are dropped.
    const scopes = entities.map(e => `${e.location.name}\u0000${e.prefix}`);
    for (const cacheKey of this.verdicts.keys()) {
      if (!listed.has(cacheKey) && scopes.some(s => cacheKey.startsWith(s))) {
        this.verdicts.delete(cacheKey);
      }
    }
  }

  private cacheKey(entity: DumpsToCheck, backup: BackupRecord): string {
    return `${entity.location.name}\u0000${entity.prefix}${backup.id}`;
  }

  /** Reads one dump's checksum unless known; `mismatch` when the next older one is due too. */
  private async read(
    entity: DumpsToCheck,
    backup: BackupRecord,
    budget: { bytes: number },
    signal: AbortSignal,
  ): Promise<'match' | 'mismatch' | 'unchecked'> {
    if (backup.checksum === MATCHES) return 'match';
    const key = `${entity.prefix}${backup.id}`;
    const object = entity.objects.get(key);
    if (!object) return 'unchecked';
    if (this.settings.bytesPerRefresh === 0) {
      backup.checksum = 'not checked (backup.dumpChecksums is off)';
      return 'unchecked';
    }
    if (object.size > budget.bytes || signal.aborted) {
      backup.checksum = `not checked yet: its ${object.size} bytes wait for a later refresh (backup.dumpChecksums)`;
      return 'unchecked';
    }
    budget.bytes -= object.size;
    let actual: string;
    try {
      actual = await entity.location.sha256(key, signal);
    } catch (error) {
      if (signal.aborted) {
        backup.checksum =
          'not checked yet: the time for checksums of this refresh ran out (backup.dumpChecksums.timeout)';
        return 'unchecked';
      }
      backup.checksum = `not checked: ${describeError(error)}`;
      entity.unreadable.push(
        `checksum of ${backup.id} not checked: ${describeError(error)}`,
      );
      return 'unchecked';
    }
    this.verdicts.set(this.cacheKey(entity, backup), {
      version: object.version,
      sha256: actual,
    });
    return judge(backup, actual);
  }
}
