import { Entity } from '@backstage/catalog-model';
import {
  EVALUATED_STATUSES,
  Evidence,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  collectorsReadBy,
  ReadinessCheck,
} from './checks';
import { CollectedFacts } from './collectors';
import { FactCollectorRef } from './factsEnvelope';
import { ContestedClaim, contestedEvaluation } from './evidenceBinding';

/** How one collector fared in a refresh. @public */
export type CollectorOutcome =
  | { ok: true; title: string; collected: CollectedFacts<unknown> }
  | { ok: false; title: string; reason: string };

const MAX_SUMMARY = 500;

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 120) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Checks what an evaluator returned; garbage becomes an explained `error`. */
function validateEvaluation(checkId: string, raw: unknown): CheckEvaluation {
  const invalid = (why: string): CheckEvaluation => ({
    status: 'error',
    summary: `Check ${checkId} returned an invalid result: ${why}`,
    evidence: [
      { label: 'returned value', value: describeValue(raw), source: checkId },
    ],
  });
  if (!raw || typeof raw !== 'object') {
    return invalid('not an object');
  }
  const { status, summary, evidence, remediation } = raw as Record<
    string,
    unknown
  >;
  if (!EVALUATED_STATUSES.includes(status as never)) {
    return invalid(
      `status ${describeValue(status)} is not one of ${EVALUATED_STATUSES.join(
        ', ',
      )}`,
    );
  }
  if (typeof summary !== 'string' || summary.trim() === '') {
    return invalid('summary is empty');
  }
  if (evidence !== undefined && !Array.isArray(evidence)) {
    return invalid('evidence is not a list');
  }
  const items = (evidence ?? []) as unknown[];
  if (
    items.some(
      e =>
        !e ||
        typeof e !== 'object' ||
        typeof (e as Evidence).label !== 'string',
    )
  ) {
    return invalid('every evidence item needs a label');
  }
  if (remediation !== undefined && typeof remediation !== 'string') {
    return invalid('remediation is not text');
  }
  return {
    status: status as CheckEvaluation['status'],
    summary:
      summary.length > MAX_SUMMARY
        ? `${summary.slice(0, MAX_SUMMARY - 1)}…`
        : summary,
    evidence: items as Evidence[],
    remediation: remediation as string | undefined,
  };
}

/**
 * Evaluates one check for one entity from the outcomes of the collectors: a failed collector
 * the check reads, or a failure for this entity, gives `error` with the reason without running
 * the evaluator; evidence of those collectors that the entity selects but does not hold
 * (contested, or naming another entity) gives `fail` with who else claims it; an evaluator
 * that throws or returns garbage gives `error` too. Nothing here ever turns into `pass` by
 * default.
 *
 * @public
 */
export async function evaluateCheck(options: {
  check: ReadinessCheck;
  entity: Entity;
  entityRef: string;
  now: Date;
  outcomes: ReadonlyMap<string, CollectorOutcome>;
  resultsOf?: CheckContext['resultsOf'];
  /** The entity's claims on evidence it does not hold (from `bindEvidence`). */
  contested?: readonly ContestedClaim[];
}): Promise<CheckEvaluation> {
  const { check, entity, entityRef, now, outcomes, resultsOf } = options;
  // An optional collector is read when installed, i.e. when the engine has its outcome.
  const read = collectorsReadBy(check, id => outcomes.has(id));
  for (const collectorId of read) {
    const outcome = outcomes.get(collectorId);
    if (!outcome) {
      return {
        status: 'error',
        summary: `Check ${check.id} reads collector "${collectorId}", which is not installed`,
        evidence: [],
        remediation: `Install the backend module that provides the "${collectorId}" collector, or remove the check.`,
      };
    }
    if (!outcome.ok) {
      return {
        status: 'error',
        summary: `${outcome.title} failed: ${outcome.reason}`,
        evidence: [
          { label: 'collector', value: collectorId, source: collectorId },
        ],
      };
    }
    const entityError = outcome.collected.errors?.get(entityRef);
    if (entityError !== undefined) {
      return {
        status: 'error',
        summary: `${outcome.title}: ${entityError}`,
        evidence: [
          { label: 'collector', value: collectorId, source: collectorId },
        ],
      };
    }
  }
  const contested = (options.contested ?? []).filter(c =>
    read.includes(c.collectorId),
  );
  if (contested.length > 0) {
    return contestedEvaluation(contested);
  }
  try {
    const raw = await check.evaluate({
      entity,
      entityRef,
      now,
      resultsOf,
      facts: <T>(collector: string | FactCollectorRef<T>) => {
        const outcome = outcomes.get(
          typeof collector === 'string' ? collector : collector.id,
        );
        return outcome?.ok
          ? (outcome.collected.facts.get(entityRef) as T | undefined)
          : undefined;
      },
    });
    return validateEvaluation(check.id, raw);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      status: 'error',
      summary: `Check ${check.id} failed while evaluating: ${message}`,
      evidence: [],
    };
  }
}
