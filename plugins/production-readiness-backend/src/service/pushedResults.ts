import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  describeIssues,
  platformRecordSchema,
  PUSHED_RECORD_SCHEMAS,
} from '@production-readiness/plugin-production-readiness-common';
import { z } from 'zod';
import { PushingPrincipal } from '../config';

/** How far ahead of the server's clock a record may be dated (clocks of jobs drift). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

function schemaOf(
  type: string,
  platformTypes: string[],
): z.ZodType<Record<string, unknown>> | undefined {
  if (type in PUSHED_RECORD_SCHEMAS) {
    return PUSHED_RECORD_SCHEMAS[type as keyof typeof PUSHED_RECORD_SCHEMAS];
  }
  return platformTypes.includes(type) ? platformRecordSchema : undefined;
}

/**
 * Validates the payload of a pushed record against its type's schema: built-in types have
 * one each, types the platform declares take any object, other types are refused. A payload
 * that names an entity must name the record's.
 */
export function validatePushedPayload(options: {
  type: string;
  payload: unknown;
  entityRef: string;
  platformTypes: string[];
}): Record<string, unknown> {
  const { type, payload, entityRef, platformTypes } = options;
  const schema = schemaOf(type, platformTypes);
  if (!schema) {
    const known = [...Object.keys(PUSHED_RECORD_SCHEMAS), ...platformTypes];
    throw new InputError(
      `Unknown record type "${type}": accepted are ${known.join(
        ', ',
      )} (a platform declares more in productionReadiness.pushedResults.types)`,
    );
  }
  // Parsed under a `payload` key, so that the messages name fields as the request has them.
  const parsed = z.object({ payload: schema }).safeParse({ payload });
  if (!parsed.success) {
    throw new InputError(
      `Invalid ${type} record: ${describeIssues(parsed.error)}`,
    );
  }
  const named = parsed.data.payload.entityRef;
  if (typeof named === 'string') {
    let normalized: string | undefined;
    try {
      normalized = stringifyEntityRef(parseEntityRef(named));
    } catch {
      normalized = undefined;
    }
    if (
      normalized?.toLocaleLowerCase('en-US') !==
      entityRef.toLocaleLowerCase('en-US')
    ) {
      throw new InputError(
        `payload.entityRef "${named.slice(
          0,
          200,
        )}" is not the record's entityRef ${entityRef}`,
      );
    }
  }
  return parsed.data.payload;
}

/**
 * When the record was observed: never ahead of the server by more than the clock skew, and
 * not older than the history retention (it would be pruned at once).
 */
export function validateObservedAt(
  text: string,
  options: { now: Date; retentionMs: number },
): Date {
  const observedAt = new Date(text);
  const { now, retentionMs } = options;
  if (observedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new InputError(
      `observedAt ${text} is in the future: more than ${
        MAX_CLOCK_SKEW_MS / 60_000
      } minutes after the server's clock (${now.toISOString()})`,
    );
  }
  if (observedAt.getTime() < now.getTime() - retentionMs) {
    throw new InputError(
      `observedAt ${text} is older than the history retention (${Math.round(
        retentionMs / 86_400_000,
      )} days): it would be pruned at once`,
    );
  }
  return observedAt;
}

/**
 * Whether a service principal may push evidence for an entity: only the principals the
 * platform names in `productionReadiness.pushedResults.principals`, each for the entities
 * it lists or the entities of the owners it lists. (Backstage's permission framework allows
 * every service principal, so this is decided here.) Returns why not, or undefined.
 */
export function servicePushRefusal(options: {
  principals: PushingPrincipal[];
  subject: string;
  entityRef: string;
  owner?: string;
}): string | undefined {
  const { principals, subject, entityRef } = options;
  const lower = (ref: string) => ref.toLocaleLowerCase('en-US');
  const named = principals.filter(p => p.subject === subject);
  if (!named.length) {
    return `Service principal ${subject} may not push results: it is not named in productionReadiness.pushedResults.principals`;
  }
  const owner = options.owner && lower(options.owner);
  const allowed = named.some(
    p =>
      p.entities.includes(lower(entityRef)) ||
      (owner !== undefined && p.owners.includes(owner)),
  );
  return allowed
    ? undefined
    : `Service principal ${subject} may not push results for ${entityRef}: productionReadiness.pushedResults.principals names neither this entity nor its owner (${
        options.owner ?? 'none'
      }) for it`;
}
