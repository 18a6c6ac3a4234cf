import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  describeStream,
  LOG_CHECK_COMMON,
  percent,
  streamEvidence,
  withLogFacts,
} from './logFacts';
import { noLinesToJudge } from './structuredLogs';

/** `logging.trace-ids`: the lines carry a trace or correlation id to follow a request. */
export function createTraceIdsCheck(options: {
  minTraceIdShare: number;
}): ReadinessCheck {
  const needed = `${Math.round(options.minTraceIdShare * 100)}%`;
  return createReadinessCheck({
    ...LOG_CHECK_COMMON,
    id: 'logging.trace-ids',
    title: 'Logs carry trace ids',
    description: `At least ${needed} of the service's recent lines in the log store carry the store's trace id field, so one request can be followed across services.`,
    severity: 'minor',
    remediation:
      'Put the trace id of the current request (W3C traceparent, OpenTelemetry) into every log line as trace_id.',
    evaluate: withLogFacts(facts => {
      const { lines, traced } = facts.stats;
      if (lines === 0) return noLinesToJudge(facts);
      const summary = `${percent(
        traced,
        lines,
      )} of ${lines} lines of ${describeStream(
        facts,
      )} carry a trace id (needed: ${needed})`;
      return traced / lines >= options.minTraceIdShare
        ? checkResult.pass(summary, [streamEvidence(facts)])
        : checkResult.fail(summary, [streamEvidence(facts)]);
    }),
  });
}
