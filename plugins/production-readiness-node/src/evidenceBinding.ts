import { Evidence } from '@production-readiness/plugin-production-readiness-common';

/**
 * Evidence binding: every piece of evidence (a workload, a Prometheus job, an adopted rule, a
 * backup prefix, a restore-test record) counts for one entity only. Collectors say which
 * entities claim which evidence and how; the engine binds the claims of the whole fleet once per
 * refresh, and a check that reads evidence its entity does not hold fails with who else claims
 * it and how to settle it.
 */

/**
 * One entity's claim on one piece of evidence, as a collector reports it.
 *
 * @public
 */
export interface EvidenceClaim {
  /** What kind of evidence, e.g. `kubernetes-workload`, `prometheus-job`, `backup-prefix`. */
  kind: string;
  /**
   * Identifies the evidence within its kind, the same for every entity that selects it, e.g.
   * `prod/shop/Deployment/orders-api`. With `nested`, a `/`-separated path.
   */
  id: string;
  /** How the entity selects it, e.g. `backstage.io/kubernetes-id=orders-api`. */
  how: string;
  /**
   * The entity ref the evidence itself names (an annotation on the object, a target label, a
   * record's `entityRef`), when it names one. Evidence that names an entity belongs to it alone.
   */
  namedEntity?: string;
  /**
   * The id is a path whose descendants the evidence includes (a backup prefix lists what lies
   * under it): a claim on `a/b` conflicts with a claim on `a/b/c` of the same kind.
   */
  nested?: boolean;
  /**
   * How to settle a conflict, e.g. "annotate the Deployment with
   * production-readiness.io/entity-ref: <ref>". Shown with the failing results.
   */
  settle: string;
}

/** A claim of an entity on evidence it does not hold. @public */
export interface ContestedClaim {
  /** The collector that reported the claim. */
  collectorId: string;
  claim: EvidenceClaim;
  /**
   * `contested`: other entities select the same (or overlapping) evidence and it names none;
   * `named-other`: the evidence names another entity.
   */
  reason: 'contested' | 'named-other';
  /** The other claimants, with the evidence id and how each selects it. */
  others: Array<{ entityRef: string; id: string; how: string }>;
}

/** Claims of the whole fleet: per collector, per claimant entity ref. @public */
export type FleetClaims = ReadonlyMap<
  string,
  ReadonlyMap<string, readonly EvidenceClaim[]>
>;

interface FlatClaim {
  collectorId: string;
  entityRef: string;
  /** Kind and id; a nested id's segments joined by \u0001, so a path's descendants sort right after it. */
  key: string;
  claim: EvidenceClaim;
}

const sameRef = (a: string, b: string) =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

function compareKeys(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function keyOf(claim: EvidenceClaim): string {
  const id = claim.nested
    ? claim.id.split('/').filter(Boolean).join('\u0001')
    : claim.id;
  return `${claim.kind}\u0000${claim.nested ? 'n' : 'e'}\u0000${id}`;
}

/** Groups claims on the same evidence; with `nested`, also claims on paths above or below. */
function overlappingClaims(all: FlatClaim[]): Map<FlatClaim, FlatClaim[]> {
  const sorted = [...all].sort((a, b) => compareKeys(a.key, b.key));
  const peers = new Map<FlatClaim, FlatClaim[]>(all.map(f => [f, []]));
  for (let i = 0; i < sorted.length; i++) {
    const flat = sorted[i];
    const below = `${flat.key}\u0001`;
    for (let j = i + 1; j < sorted.length; j++) {
      const other = sorted[j];
      const same = other.key === flat.key;
      if (!same && !(flat.claim.nested && other.key.startsWith(below))) {
        break;
      }
      peers.get(flat)!.push(other);
      peers.get(other)!.push(flat);
    }
  }
  return peers;
}

/**
 * Binds the claims of the whole fleet:
 * - evidence that names an entity belongs to that entity alone; anyone else who selects it holds
 *   a `named-other` claim;
 * - evidence that names no entity and is selected by exactly one entity belongs to it;
 * - evidence that names no entity and is selected by two or more entities is `contested` for
 *   all of them; with `nested`, a path that contains another claimant's path is the same
 *   evidence (its listing includes the other's).
 * Returns, per entity ref, the claims it does not hold (entities holding all their claims are
 * absent). Claims of one entity never conflict with each other.
 *
 * @public
 */
export function bindEvidence(
  fleet: FleetClaims,
): Map<string, ContestedClaim[]> {
  const all: FlatClaim[] = [];
  for (const [collectorId, byEntity] of fleet) {
    for (const [entityRef, claims] of byEntity) {
      for (const claim of claims) {
        all.push({ collectorId, entityRef, key: keyOf(claim), claim });
      }
    }
  }
  const peersOf = overlappingClaims(all);
  const contested = new Map<string, ContestedClaim[]>();
  for (const flat of all) {
    const { claim, entityRef, collectorId } = flat;
    const others = new Map<string, ContestedClaim['others'][number]>();
    for (const peer of peersOf.get(flat)!) {
      if (!sameRef(peer.entityRef, entityRef)) {
        others.set(`${peer.entityRef}\u0000${peer.claim.id}`, {
          entityRef: peer.entityRef,
          id: peer.claim.id,
          how: peer.claim.how,
        });
      }
    }
    let reason: ContestedClaim['reason'] | undefined;
    if (claim.namedEntity !== undefined) {
      reason = sameRef(claim.namedEntity, entityRef)
        ? undefined
        : 'named-other';
    } else if (others.size > 0) {
      reason = 'contested';
    }
    if (reason) {
      const list = contested.get(entityRef) ?? [];
      const sorted = [...others.values()].sort(
        (a, b) =>
          compareKeys(a.entityRef, b.entityRef) || compareKeys(a.id, b.id),
      );
      list.push({ collectorId, claim, reason, others: sorted });
      contested.set(entityRef, list);
    }
  }
  return contested;
}

/** One line about a claim the entity does not hold, naming who else claims the evidence. @public */
export function describeContestedClaim(item: ContestedClaim): string {
  const { claim, reason, others } = item;
  const what = `${claim.kind} ${claim.id} (selected by ${claim.how})`;
  if (reason === 'named-other') {
    return `${what} names ${claim.namedEntity} as its entity`;
  }
  const who = others
    .map(o => (o.id === claim.id ? o.entityRef : `${o.entityRef} (${o.id})`))
    .join(', ');
  return `${what} is also claimed by ${who}`;
}

/**
 * The failing result of a check whose evidence the entity does not hold: the evidence counts
 * for no one until the claim is settled, so nothing of it may turn into a pass.
 */
export function contestedEvaluation(contested: readonly ContestedClaim[]): {
  status: 'fail';
  summary: string;
  evidence: Evidence[];
  remediation: string;
} {
  const [first, ...rest] = contested;
  return {
    status: 'fail',
    summary: `Evidence not bound to this entity: ${describeContestedClaim(
      first,
    )}${rest.length ? ` (and ${rest.length} more)` : ''}`,
    evidence: contested.map(item => ({
      label:
        item.reason === 'named-other'
          ? `${item.claim.kind} of another entity`
          : `contested ${item.claim.kind}`,
      value: describeContestedClaim(item),
      source: item.collectorId,
    })),
    remediation: [...new Set(contested.map(item => item.claim.settle))].join(
      ' ',
    ),
  };
}
