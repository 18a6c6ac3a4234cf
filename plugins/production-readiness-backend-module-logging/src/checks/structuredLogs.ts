import {
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { evaluateShare, LOG_CHECK_COMMON, withLogFacts } from './logFacts';

/** `logging.structured`: the lines are JSON (or arrived as fields), so they can be searched. */
export function createStructuredLogsCheck(options: {
  minStructuredShare: number;
}): ReadinessCheck {
  return createReadinessCheck({
    ...LOG_CHECK_COMMON,
    id: 'logging.structured',
    title: 'Structured logs',
    description: `At least ${Math.round(
      options.minStructuredShare * 100,
    )}% of the service's recent lines in the log store are structured: the message is a JSON object, or the line arrived as fields (it carries the store's level field).`,
    severity: 'major',
    remediation:
      'Log JSON to stdout (one object per line with level, message and trace_id), as the template service does.',
    evaluate: withLogFacts(facts =>
      evaluateShare(facts, {
        count: facts.stats.structured,
        minShare: options.minStructuredShare,
        what: 'are structured',
      }),
    ),
  });
}
