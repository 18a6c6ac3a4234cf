import {
  ANNOTATIONS,
  EVIDENCE_OWNER,
} from '@production-readiness/plugin-production-readiness-common';
import { EvidenceClaim } from '@production-readiness/plugin-production-readiness-node';
import { BACKUP_MODULE_ANNOTATIONS } from '../annotations';
import { StoredRestoreTest } from '../readers/restoreTests';

/** Where an entity's backups are, as the collector resolved its annotations. */
export interface PrefixTarget {
  entityRef: string;
  location: string;
  prefix: string;
  restoreTestPrefix: string;
  stanza?: string;
}

/** The entity a backup prefix's manifest (`production-readiness.json`) names, if any. */
function prefixOwner(manifest: string | undefined): string | undefined {
  if (manifest === undefined) {
    return undefined;
  }
  try {
    const value = JSON.parse(manifest)?.[EVIDENCE_OWNER.recordField];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the entity claims in its backup location: its prefix (a pgBackRest stanza inside a
 * shared repository is its own path), which includes everything under it; and, when restore
 * tests write to a prefix of their own, each record there that names no entity.
 */
export function backupClaims(options: {
  target: PrefixTarget;
  /** The text of `production-readiness.json` at the prefix's root, when there is one. */
  prefixManifest?: string;
  /** The restore-test records the collector read for the entity. */
  restoreTests: StoredRestoreTest[];
}): EvidenceClaim[] {
  const { target, prefixManifest, restoreTests } = options;
  const path = `${target.location}/${target.prefix}${
    target.stanza ? `stanza:${target.stanza}` : ''
  }`;
  const claims: EvidenceClaim[] = [
    {
      kind: 'backup-prefix',
      id: path,
      nested: true,
      how: `${ANNOTATIONS.backupPrefix}=${target.prefix || '(location root)'}${
        target.stanza
          ? `, ${BACKUP_MODULE_ANNOTATIONS.stanza}=${target.stanza}`
          : ''
      }`,
      namedEntity: prefixOwner(prefixManifest),
      settle: `Give each entity its own ${ANNOTATIONS.backupPrefix} in location ${target.location} (never one inside another's), or write \`{"${EVIDENCE_OWNER.recordField}": "<the ref of the entity it belongs to>"}\` to ${EVIDENCE_OWNER.backupPrefixManifest} at the root of the prefix.`,
    },
  ];
  if (target.restoreTestPrefix === target.prefix) {
    return claims;
  }
  // Records under the backup prefix come with it; records in a folder of their own that name
  // no entity could be any reader's.
  for (const record of restoreTests) {
    if (record.entityRef === undefined) {
      claims.push({
        kind: 'restore-test-record',
        id: `${target.location}/${record.source}`,
        how: `${ANNOTATIONS.restoreTestPrefix}=${target.restoreTestPrefix}`,
        settle: `Have the restore-test job write \`"${EVIDENCE_OWNER.recordField}": "<the ref of the entity it tested>"\` into its records, or give each entity its own ${ANNOTATIONS.restoreTestPrefix}.`,
      });
    }
  }
  return claims;
}
