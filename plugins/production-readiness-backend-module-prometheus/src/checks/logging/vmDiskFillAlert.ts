import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { hostsEvidence, VM_CHECK_COMMON, withVmHosts } from '../vmFacts';

const EXAMPLE =
  'predict_linear(node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"}[6h], 24*3600) < 0';

/**
 * `logging.vm-disk-fill-alert`: every host of a VM service is watched by a healthy alert on
 * node_exporter's free space, selected by the host's own labels or for all hosts.
 */
export function createVmDiskFillAlertCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...VM_CHECK_COMMON,
    id: 'logging.vm-disk-fill-alert',
    pillar: 'logging',
    title: 'Disk-fill alert on every VM host',
    description:
      "Every host of a service that runs on VMs is selected by a healthy alerting rule that predicts (predict_linear) or thresholds node_exporter's free space (node_filesystem_avail_bytes or node_filesystem_free_bytes): by its instance, job or other target labels, or for all hosts.",
    severity: 'major',
    remediation: `Add an alerting rule like \`${EXAMPLE}\`, for all hosts or selecting these hosts' targets, so logs cannot fill a disk unnoticed.`,
    evaluate: withVmHosts((facts, hosts) => {
      const evidence = [
        hostsEvidence(facts),
        {
          label: 'disk-fill rules',
          value: facts.diskFillRules as unknown as Record<string, unknown>,
          source: `prometheus:${facts.instance}`,
        },
      ];
      const { error, unreadable } = facts.diskFillRules;
      if (error !== undefined) {
        return checkResult.error(
          `Could not read the alerting rules of prometheus:${facts.instance}: ${error}`,
          evidence,
        );
      }
      const uncovered = hosts.filter(h => !h.diskFillAlerts.length);
      if (!uncovered.length) {
        return checkResult.pass(
          `Every one of ${hosts.length} host${
            hosts.length === 1 ? ' is' : 's is'
          } watched by a disk-fill alert: ${hosts
            .map(h => `${h.host} (${h.diskFillAlerts.join(', ')})`)
            .join('; ')}`,
          evidence,
        );
      }
      const problems = uncovered.map(h =>
        h.brokenDiskFillAlerts.length
          ? `${h.host}: only ${h.brokenDiskFillAlerts.join(
              ', ',
            )}, which fails to evaluate`
          : `${h.host}: no disk-fill alert selects it`,
      );
      const summary = `${uncovered.length} of ${hosts.length} host${
        hosts.length === 1 ? '' : 's'
      } without a disk-fill alert: ${problems.join('; ')}`;
      if (unreadable.length) {
        return checkResult.unknown(
          `${summary}; ${unreadable
            .map(u => `${u.rule} names free space, but ${u.error}`)
            .join('; ')}`,
          evidence,
        );
      }
      return checkResult.fail(summary, evidence);
    }),
  });
}
