import { formatDuration } from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  describeStream,
  LOG_CHECK_COMMON,
  streamEvidence,
  withLogFacts,
} from './logFacts';

/** `logging.logs-in-store`: the service's lines reached the central store recently. */
export function createLogsInStoreCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...LOG_CHECK_COMMON,
    id: 'logging.logs-in-store',
    title: 'Logs reach the central log store',
    description:
      "The service's log lines reached the platform log store (VictoriaLogs or Loki) within the lookback window, under the service value it is known by.",
    severity: 'critical',
    remediation:
      'Ship the logs to the platform log store (the template bundles an OpenTelemetry Collector pipeline) with the service field set, or set production-readiness.io/log-service to the value the lines carry.',
    evaluate: withLogFacts(facts => {
      const window = formatDuration(facts.lookbackMs);
      if (facts.stats.lines > 0) {
        return checkResult.pass(
          `${facts.stats.lines} log line${
            facts.stats.lines === 1 ? '' : 's'
          } of ${describeStream(facts)} in the last ${window}`,
          [streamEvidence(facts)],
        );
      }
      return checkResult.fail(
        `No log line of ${describeStream(
          facts,
        )} in the last ${window}: the logs of this service reach no store`,
        [streamEvidence(facts)],
        `Ship this service's logs to log store ${facts.store} with ${
          facts.serviceField
        }=${JSON.stringify(facts.service)} (from ${
          facts.serviceSource
        }), or set production-readiness.io/log-service to the value its lines carry.`,
      );
    }),
  });
}
