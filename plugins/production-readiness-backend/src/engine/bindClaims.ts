import {
  bindEvidence,
  CollectorOutcome,
  ContestedClaim,
} from '@production-readiness/plugin-production-readiness-node';
import { ClaimsWrite, ReadinessStore } from '../store/ReadinessStore';

/** The binding of one evaluation. */
export interface EvaluationBinding {
  /** The claims each evaluated entity does not hold. */
  contested: Map<string, ContestedClaim[]>;
  /**
   * Entities outside the evaluation whose contests with the evaluated ones began or ended in
   * it (a copy registered, a selector narrowed): their stored results no longer say so.
   */
  rebound: string[];
}

const othersOf = (contested: ContestedClaim[] | undefined) =>
  new Set((contested ?? []).flatMap(c => c.others.map(o => o.entityRef)));

/**
 * Binds evidence to entities for one evaluation: the evaluated entities' fresh claims replace
 * their stored ones (a collector that failed, for all or for one entity, keeps the claims made
 * before), and the claims of the whole fleet are bound together, so a copy evaluated alone
 * still meets the original's claims.
 */
export async function bindClaims(options: {
  store: ReadinessStore;
  entityRefs: string[];
  outcomes: ReadonlyMap<string, CollectorOutcome>;
  now: Date;
}): Promise<EvaluationBinding> {
  const { store, entityRefs, outcomes, now } = options;
  const fleet = await store.listClaims();
  const before = bindEvidence(fleet);
  const writes: ClaimsWrite[] = [];
  for (const [collectorId, outcome] of outcomes) {
    if (!outcome.ok) {
      continue;
    }
    const byEntity = fleet.get(collectorId) ?? new Map();
    fleet.set(collectorId, byEntity);
    for (const entityRef of entityRefs) {
      if (outcome.collected.errors?.has(entityRef)) {
        continue;
      }
      const claims = outcome.collected.claims?.get(entityRef) ?? [];
      const stored = byEntity.get(entityRef) ?? [];
      if (JSON.stringify(stored) !== JSON.stringify(claims)) {
        writes.push({ entityRef, collectorId, claims });
      }
      if (claims.length > 0) {
        byEntity.set(entityRef, claims);
      } else {
        byEntity.delete(entityRef);
      }
    }
  }
  await store.replaceClaims(writes, now);
  const after = bindEvidence(fleet);

  const evaluated = new Set(entityRefs);
  const contested = new Map<string, ContestedClaim[]>();
  const rebound = new Set<string>();
  for (const ref of entityRefs) {
    const list = after.get(ref);
    if (list) {
      contested.set(ref, list);
    }
    const was = othersOf(before.get(ref));
    const is = othersOf(list);
    for (const other of [...was, ...is]) {
      if (was.has(other) !== is.has(other) && !evaluated.has(other)) {
        rebound.add(other);
      }
    }
  }
  return { contested, rebound: [...rebound] };
}
