import {
  ANNOTATIONS,
  EVIDENCE_OWNER,
} from '@production-readiness/plugin-production-readiness-common';
import { EvidenceClaim } from '@production-readiness/plugin-production-readiness-node';
import { BACKUP_MODULE_ANNOTATIONS } from '../annotations';
import { parseRestoreTestRecord } from '../readers/restoreTests';

/** Where an entity's backups are, as the collector resolved its annotations. */
export interface PrefixTarget {
  entityRef: string;
  location: string;
  prefix: string;
  restoreTestPrefix: string;
  stanza?: string;
}

/** What the claims need of a location's snapshot: its keys and the metadata texts read. */
export interface ClaimSnapshot {
  keys: string[];
  /** The text of a metadata object read from the location, by key. */
  text(key: string): string | undefined;
}

/** The entity a backup prefix's manifest (`production-readiness.json`) names, if any. */
function prefixOwner(
  prefix: string,
  snapshot: ClaimSnapshot | undefined,
): string | undefined {
  const text = snapshot?.text(
    `${prefix}${EVIDENCE_OWNER.backupPrefixManifest}`,
  );
  if (text === undefined) {
    return undefined;
  }
  try {
    const value = JSON.parse(text)?.[EVIDENCE_OWNER.recordField];
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
export function backupClaims(
  target: PrefixTarget,
  snapshot: ClaimSnapshot | undefined,
): EvidenceClaim[] {
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
      namedEntity: prefixOwner(target.prefix, snapshot),
      settle: `Give each entity its own ${ANNOTATIONS.backupPrefix} in location ${target.location} (never one inside another's), or write \`{"${EVIDENCE_OWNER.recordField}": "<the ref of the entity it belongs to>"}\` to ${EVIDENCE_OWNER.backupPrefixManifest} at the root of the prefix.`,
    },
  ];
  if (target.restoreTestPrefix === target.prefix || !snapshot) {
    return claims;
  }
  for (const key of snapshot.keys) {
    if (!key.startsWith(target.restoreTestPrefix)) {
      continue;
    }
    const text = snapshot.text(key);
    if (text === undefined) {
      continue;
    }
    let named: string | undefined;
    try {
      named = parseRestoreTestRecord(text, key).entityRef;
    } catch {
      continue; // not a record; the collector reports it as unreadable
    }
    if (named === undefined) {
      claims.push({
        kind: 'restore-test-record',
        id: `${target.location}/${key}`,
        how: `${ANNOTATIONS.restoreTestPrefix}=${target.restoreTestPrefix}`,
        settle: `Have the restore-test job write \`"${EVIDENCE_OWNER.recordField}": "<the ref of the entity it tested>"\` into its records, or give each entity its own ${ANNOTATIONS.restoreTestPrefix}.`,
      });
    }
  }
  return claims;
}
