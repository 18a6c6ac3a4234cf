import {
  ANNOTATIONS,
  EntityFilter,
  Evidence,
  formatDuration,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  checkResult,
} from '@production-readiness/plugin-production-readiness-node';
import {
  LOG_STORE_COLLECTOR_ID,
  LogStoreFacts,
} from '../collector/LogStoreCollector';

/** Facts of an entity whose log stream was read. */
export type ReadLogFacts = Extract<LogStoreFacts, { state: 'ok' }>;

/**
 * Where the log store checks run outside coverage: services and websites, and whatever names
 * a log store, service value or retention.
 */
export const LOG_CHECKS_APPLY_TO: EntityFilter = {
  anyOf: [
    { kind: ['Component'], type: ['service', 'website'] },
    { hasAnnotations: [ANNOTATIONS.logStore] },
    { hasAnnotations: [ANNOTATIONS.logService] },
    { hasAnnotations: [ANNOTATIONS.logRetention] },
  ],
};

/**
 * Where coverage requires logging, every Component faces these checks: one that declares
 * nothing is looked up under its name in the default store and fails when no line is there.
 */
export const LOG_CHECKS_REQUIRED_OF: EntityFilter = { kind: ['Component'] };

/** What every log store check shares. */
export const LOG_CHECK_COMMON = {
  pillar: 'logging',
  appliesTo: LOG_CHECKS_APPLY_TO,
  requiredOf: LOG_CHECKS_REQUIRED_OF,
  sources: [LOG_STORE_COLLECTOR_ID],
  collectors: [LOG_STORE_COLLECTOR_ID],
};

/** `type:name` of the store, as evidence sources name systems. */
export function storeSource(facts: ReadLogFacts): string {
  return `${facts.storeType}:${facts.store}`;
}

/** The entity's stream and its numbers, shown with every result. */
export function streamEvidence(facts: ReadLogFacts): Evidence {
  return {
    label: 'log stream',
    value: {
      [facts.serviceField]: facts.service,
      from: facts.serviceSource,
      window: formatDuration(facts.lookbackMs),
      ...facts.stats,
    },
    source: storeSource(facts),
  };
}

/** `service="orders-api" in victorialogs store main`. */
export function describeStream(facts: ReadLogFacts): string {
  return `${facts.serviceField}=${JSON.stringify(facts.service)} in ${
    facts.storeType
  } store ${facts.store}`;
}

/** Runs `evaluate` on read facts; an entity without a store fails, saying what to declare. */
export function withLogFacts(
  evaluate: (facts: ReadLogFacts, context: CheckContext) => CheckEvaluation,
  options: { unconfigured?: (facts: LogStoreFacts) => CheckEvaluation } = {},
): (context: CheckContext) => CheckEvaluation {
  return context => {
    const facts = context.facts<LogStoreFacts>(LOG_STORE_COLLECTOR_ID);
    if (!facts) {
      return checkResult.unknown(
        'The log store collector found nothing for this entity',
      );
    }
    if (facts.state === 'unconfigured') {
      return (
        options.unconfigured?.(facts) ??
        checkResult.fail(facts.reason, [], facts.remediation)
      );
    }
    return evaluate(facts, context);
  };
}

/**
 * Judges the share of the entity's lines that have a property: pass at `minShare` or more,
 * fail below it, `unknown` when no line reached the store (logging.logs-in-store fails then).
 */
export function evaluateShare(
  facts: ReadLogFacts,
  options: { count: number; minShare: number; what: string },
): CheckEvaluation {
  const { lines } = facts.stats;
  if (lines === 0) {
    return checkResult.unknown(
      `No log line of ${describeStream(facts)} in the last ${formatDuration(
        facts.lookbackMs,
      )} to judge (see logging.logs-in-store)`,
      [streamEvidence(facts)],
      'Ship the logs to the store first.',
    );
  }
  const summary = `${Math.floor(
    (options.count / lines) * 100,
  )}% of ${lines} line${lines === 1 ? '' : 's'} of ${describeStream(facts)} ${
    options.what
  } (needed: ${Math.round(options.minShare * 100)}%)`;
  return options.count / lines >= options.minShare
    ? checkResult.pass(summary, [streamEvidence(facts)])
    : checkResult.fail(summary, [streamEvidence(facts)]);
}
