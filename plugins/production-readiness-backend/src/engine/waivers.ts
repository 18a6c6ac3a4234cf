import {
  AppliedWaiver,
  ANNOTATIONS,
  parseWaiverAnnotation,
} from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { Entity } from '@backstage/catalog-model';
import { ownerRef } from '../ownerRef';
import { StoredWaiver } from '../store/ReadinessStore';

/**
 * The waivers of one entity by check id, as results show them:
 * - approved ones (created through the API, or annotation requests someone approved) apply;
 *   an approved annotation request applies only while the annotation still asks for it;
 * - annotation requests nobody approved yet are `requested`: shown, never applied.
 * Expired waivers and requests are left out, so they stop applying by themselves.
 */
export function waiversFor(
  entity: Entity,
  stored: StoredWaiver[],
  now: Date,
): Map<string, AppliedWaiver> {
  const waivers = new Map<string, AppliedWaiver>();
  const active = (expiresAt: string) => Date.parse(expiresAt) > now.getTime();
  const declared = parseWaiverAnnotation(entity.metadata.annotations, now);
  const requested = new Map(
    (declared.ok ? declared.value : [])
      .filter(w => active(w.expiresAt))
      .map(w => [w.checkId, w]),
  );
  for (const w of stored) {
    const expiresAt = w.expiresAt.toISOString();
    if (!active(expiresAt)) continue;
    if (w.origin === 'annotation' && !requested.has(w.checkId)) continue;
    const existing = waivers.get(w.checkId);
    if (existing && Date.parse(existing.expiresAt) >= Date.parse(expiresAt)) {
      continue;
    }
    waivers.set(w.checkId, {
      origin: w.origin,
      state: 'approved',
      reason: w.reason,
      expiresAt,
      requestedBy: w.requestedBy,
      approvedBy: w.createdBy,
      approvedAt: w.createdAt.toISOString(),
    });
  }
  for (const [checkId, w] of requested) {
    if (!waivers.has(checkId)) {
      waivers.set(checkId, {
        origin: 'annotation',
        state: 'requested',
        reason: w.reason,
        expiresAt: w.expiresAt,
        requestedBy: ownerRef(entity),
      });
    }
  }
  return waivers;
}

/**
 * Reports malformed waiver annotations as a failing check instead of ignoring them silently:
 * an owner who thinks a check is waived learns why it is not.
 */
export const waiverAnnotationCheck: ReadinessCheck = createReadinessCheck({
  id: 'documentation.waivers-valid',
  pillar: 'documentation',
  title: 'Waivers annotation is valid',
  description: `The ${ANNOTATIONS.waivers} annotation parses: every waiver request names a check, a reason and an expiry date at most a year ahead. Requests apply only once approved.`,
  severity: 'minor',
  appliesTo: { hasAnnotations: [ANNOTATIONS.waivers] },
  remediation: `Fix ${ANNOTATIONS.waivers}: a YAML list of { check, until (YYYY-MM-DD), reason }.`,
  collectors: [],
  evaluate: ({ entity, now }) => {
    const parsed = parseWaiverAnnotation(entity.metadata.annotations, now);
    if (!parsed.ok) {
      return checkResult.fail(parsed.error);
    }
    const active = parsed.value.filter(
      w => Date.parse(w.expiresAt) > now.getTime(),
    );
    return checkResult.pass(
      `${parsed.value.length} waiver request(s) declared, ${active.length} not expired (each applies only once approved)`,
      parsed.value.map(w => ({
        label: `waiver for ${w.checkId}`,
        value: { reason: w.reason, expiresAt: w.expiresAt },
        source: 'catalog',
      })),
    );
  },
});
