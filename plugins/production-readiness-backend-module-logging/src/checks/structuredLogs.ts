import { formatDuration } from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  describeStream,
  LOG_CHECK_COMMON,
  percent,
  ReadLogFacts,
  streamEvidence,
  withLogFacts,
} from './logFacts';

/** Nothing to judge a share on: the stream is empty (`logging.logs-in-store` fails). */
export function noLinesToJudge(facts: ReadLogFacts) {
  return checkResult.unknown(
    `No log line of ${describeStream(facts)} in the last ${formatDuration(
      facts.lookbackMs,
    )} to judge (see logging.logs-in-store)`,
    [streamEvidence(facts)],
    'Ship the logs to the store first.',
  );
}

/** `logging.structured`: the lines are JSON (or arrived as fields), so they can be searched. */
export function createStructuredLogsCheck(options: {
  minStructuredShare: number;
}): ReadinessCheck {
  const needed = `${Math.round(options.minStructuredShare * 100)}%`;
  return createReadinessCheck({
    ...LOG_CHECK_COMMON,
    id: 'logging.structured',
    title: 'Structured logs',
    description: `At least ${needed} of the service's recent lines in the log store are structured: the message is a JSON object, or the line arrived as fields (it carries the store's level field).`,
    severity: 'major',
    remediation:
      'Log JSON to stdout (one object per line with level, message and trace_id), as the template service does.',
    evaluate: withLogFacts(facts => {
      const { lines, structured } = facts.stats;
      if (lines === 0) return noLinesToJudge(facts);
      const summary = `${percent(
        structured,
        lines,
      )} of ${lines} lines of ${describeStream(
        facts,
      )} are structured (needed: ${needed})`;
      return structured / lines >= options.minStructuredShare
        ? checkResult.pass(summary, [streamEvidence(facts)])
        : checkResult.fail(summary, [streamEvidence(facts)]);
    }),
  });
}
