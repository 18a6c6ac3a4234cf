import { EvidenceClaim } from '@production-readiness/plugin-production-readiness-node';
import { Knex } from 'knex';

/** The claims one entity made through one collector in its latest evaluation. */
export interface ClaimsWrite {
  entityRef: string;
  collectorId: string;
  /** Empty: the entity claims nothing through the collector any more. */
  claims: EvidenceClaim[];
}

type ClaimsRow = {
  entity_ref: string;
  collector_id: string;
  claims: string;
  updated_at: Date | number | string;
};

/** Rows per insert (4 columns: well under SQLite's compound-select limit). */
const ROWS_PER_INSERT = 200;

/** Replaces the stored claims of the given (entity, collector) pairs; empty lists delete. */
export async function replaceClaims(
  db: Knex,
  writes: ClaimsWrite[],
  updatedAt: Date,
): Promise<void> {
  if (writes.length === 0) {
    return;
  }
  await db.transaction(async tx => {
    for (let i = 0; i < writes.length; i += ROWS_PER_INSERT) {
      const chunk = writes.slice(i, i + ROWS_PER_INSERT);
      await tx('pr_evidence_claims')
        .where(q => {
          for (const w of chunk) {
            q.orWhere({ entity_ref: w.entityRef, collector_id: w.collectorId });
          }
        })
        .delete();
      const rows = chunk
        .filter(w => w.claims.length > 0)
        .map(w => ({
          entity_ref: w.entityRef,
          collector_id: w.collectorId,
          claims: JSON.stringify(w.claims),
          updated_at: updatedAt,
        }));
      if (rows.length > 0) {
        await tx('pr_evidence_claims').insert(rows);
      }
    }
  });
}

/** Every stored claim: per collector, per entity ref. */
export async function listClaims(
  db: Knex,
): Promise<Map<string, Map<string, EvidenceClaim[]>>> {
  const rows = await db<ClaimsRow>('pr_evidence_claims').select(
    'entity_ref',
    'collector_id',
    'claims',
  );
  const fleet = new Map<string, Map<string, EvidenceClaim[]>>();
  for (const row of rows) {
    const byEntity = fleet.get(row.collector_id) ?? new Map();
    byEntity.set(row.entity_ref, JSON.parse(row.claims) as EvidenceClaim[]);
    fleet.set(row.collector_id, byEntity);
  }
  return fleet;
}
