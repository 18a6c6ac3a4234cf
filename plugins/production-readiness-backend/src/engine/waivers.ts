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
import { StoredWaiver } from '../store/ReadinessStore';

/**
 * Active waivers of one entity by check id: from its annotation and from the API. When both
 * exist for a check, the one that lasts longer applies. Expired waivers are not returned, so
 * they stop applying by themselves at the next evaluation.
 */
export function activeWaivers(
  entity: Entity,
  stored: StoredWaiver[],
  now: Date,
): Map<string, AppliedWaiver> {
  const waivers = new Map<string, AppliedWaiver>();
  const consider = (checkId: string, waiver: AppliedWaiver) => {
    if (Date.parse(waiver.expiresAt) <= now.getTime()) {
      return;
    }
    const existing = waivers.get(checkId);
    if (
      !existing ||
      Date.parse(existing.expiresAt) < Date.parse(waiver.expiresAt)
    ) {
      waivers.set(checkId, waiver);
    }
  };
  const declared = parseWaiverAnnotation(entity.metadata.annotations, now);
  if (declared.ok) {
    for (const w of declared.value) {
      consider(w.checkId, {
        origin: 'annotation',
        reason: w.reason,
        expiresAt: w.expiresAt,
      });
    }
  }
  for (const w of stored) {
    consider(w.checkId, {
      origin: 'api',
      reason: w.reason,
      expiresAt: w.expiresAt.toISOString(),
      createdBy: w.createdBy,
    });
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
  description: `The ${ANNOTATIONS.waivers} annotation parses: every waiver names a check, a reason and an expiry date at most a year ahead.`,
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
      `${parsed.value.length} waiver(s) declared, ${active.length} active`,
      parsed.value.map(w => ({
        label: `waiver for ${w.checkId}`,
        value: { reason: w.reason, expiresAt: w.expiresAt },
        source: 'catalog',
      })),
    );
  },
});
