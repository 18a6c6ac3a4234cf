import { z } from 'zod';
import { ANNOTATIONS } from './annotations';
import { parseYamlAnnotation, ParseResult } from './parse';

/** A waiver as declared by an owner. @public */
export interface WaiverDeclaration {
  checkId: string;
  reason: string;
  /** ISO 8601 date-time; a bare date means the end of that day (UTC). */
  expiresAt: string;
}

const MAX_WAIVER_DAYS = 366;

const expiry = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const text =
    value instanceof Date ? value.toISOString().slice(0, 10) : value.trim();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59.999Z` : text;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a date (2026-12-31) or an ISO 8601 date-time',
    });
    return z.NEVER;
  }
  return date.toISOString();
});

/** A waiver's fields as accepted by the API and the annotation. @public */
export const waiverInputSchema = z.object({
  check: z.string().min(1),
  reason: z.string().trim().min(5, 'give a reason of at least 5 characters'),
  until: expiry,
});

const waiverListSchema = z.array(waiverInputSchema);

/**
 * Reads the `production-readiness.io/waivers` annotation, a YAML list:
 *
 * ```yaml
 * - check: availability.pdb
 *   until: 2026-12-31
 *   reason: single-replica batch worker, PDB would block node drains
 * ```
 *
 * A missing annotation is an empty list. Expiry dates further than a year ahead are refused:
 * a waiver is a debt with a due date, not an exemption.
 *
 * @public
 */
export function parseWaiverAnnotation(
  annotations: Record<string, string> | undefined,
  now: Date = new Date(),
): ParseResult<WaiverDeclaration[]> {
  const text = annotations?.[ANNOTATIONS.waivers];
  if (text === undefined || text.trim() === '') {
    return { ok: true, value: [] };
  }
  const parsed = parseYamlAnnotation(
    ANNOTATIONS.waivers,
    text,
    waiverListSchema,
  );
  if (!parsed.ok) {
    return parsed;
  }
  const tooFar = parsed.value.find(
    w => Date.parse(w.until) - now.getTime() > MAX_WAIVER_DAYS * 86_400_000,
  );
  if (tooFar) {
    return {
      ok: false,
      error: `annotation ${ANNOTATIONS.waivers} is invalid: waiver for ${tooFar.check} expires more than ${MAX_WAIVER_DAYS} days ahead`,
    };
  }
  return {
    ok: true,
    value: parsed.value.map(w => ({
      checkId: w.check,
      reason: w.reason,
      expiresAt: w.until,
    })),
  };
}
