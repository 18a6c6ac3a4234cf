import {
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { evaluateShare, LOG_CHECK_COMMON, withLogFacts } from './logFacts';

/** `logging.trace-ids`: the lines carry a trace or correlation id to follow a request. */
export function createTraceIdsCheck(options: {
  minTraceIdShare: number;
}): ReadinessCheck {
  return createReadinessCheck({
    ...LOG_CHECK_COMMON,
    id: 'logging.trace-ids',
    title: 'Logs carry trace ids',
    description: `At least ${Math.round(
      options.minTraceIdShare * 100,
    )}% of the service's recent lines in the log store carry the store's trace id field, so one request can be followed across services.`,
    severity: 'minor',
    remediation:
      'Put the trace id of the current request (W3C traceparent, OpenTelemetry) into every log line as trace_id.',
    evaluate: withLogFacts(facts =>
      evaluateShare(facts, {
        count: facts.stats.traced,
        minShare: options.minTraceIdShare,
        what: 'carry a trace id',
      }),
    ),
  });
}
