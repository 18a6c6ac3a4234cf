import {
  formatBytes,
  formatDuration,
  ROTATION_METRICS,
} from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { hostsEvidence, VM_CHECK_COMMON, withVmHosts } from '../vmFacts';

/**
 * `logging.vm-log-rotation`: logrotate runs on every host of a VM service and keeps its log
 * files small, as the textfile metrics the platform exports after each run show.
 */
export function createVmLogRotationCheck(options: {
  vmRotationMaxAgeMs: number;
  vmLogFileMaxBytes: number;
}): ReadinessCheck {
  const maxAge = formatDuration(options.vmRotationMaxAgeMs);
  const maxBytes = formatBytes(options.vmLogFileMaxBytes);
  return createReadinessCheck({
    ...VM_CHECK_COMMON,
    id: 'logging.vm-log-rotation',
    pillar: 'logging',
    title: 'Logs rotated on every VM host',
    description: `On every host of a service that runs on VMs, logrotate succeeded within ${maxAge} (${ROTATION_METRICS.lastSuccess}) and no live log file is over ${maxBytes} (${ROTATION_METRICS.fileBytes}), both from node_exporter's textfile collector.`,
    severity: 'major',
    remediation: `Run logrotate daily with the cron line of the Prometheus module README, which writes ${ROTATION_METRICS.lastSuccess} and ${ROTATION_METRICS.fileBytes} for node_exporter's textfile collector (the template's Ansible role installs it).`,
    evaluate: withVmHosts((facts, hosts, { now }) => {
      const problems = hosts.flatMap(h => {
        if (h.lastRotation === undefined) {
          return [
            `${h.host} exports no ${ROTATION_METRICS.lastSuccess}: nothing shows its logs are rotated`,
          ];
        }
        const age = now.getTime() - h.lastRotation * 1000;
        const found: string[] = [];
        if (age > options.vmRotationMaxAgeMs) {
          found.push(
            `${h.host}: last successful logrotate run ${formatDuration(
              age,
            )} ago (more than ${maxAge})`,
          );
        }
        const big = h.files.filter(f => f.bytes > options.vmLogFileMaxBytes);
        if (big.length) {
          found.push(
            `${h.host}: ${big
              .map(f => `${f.file} is ${formatBytes(f.bytes)}`)
              .join(', ')} (over ${maxBytes})`,
          );
        }
        return found;
      });
      if (problems.length) {
        return checkResult.fail(
          `Logs may fill the disk: ${problems.join('; ')}`,
          [hostsEvidence(facts)],
        );
      }
      const newest = Math.min(
        ...hosts.map(h => now.getTime() - h.lastRotation! * 1000),
      );
      const oldest = Math.max(
        ...hosts.map(h => now.getTime() - h.lastRotation! * 1000),
      );
      const files = hosts.reduce((n, h) => n + h.files.length, 0);
      return checkResult.pass(
        `logrotate succeeded on ${hosts.length} host${
          hosts.length === 1 ? '' : 's'
        } within ${formatDuration(oldest)}${
          hosts.length > 1 ? ` (newest ${formatDuration(newest)} ago)` : ''
        }; ${files} live log file${
          files === 1 ? '' : 's'
        }, none over ${maxBytes}`,
        [hostsEvidence(facts)],
      );
    }),
  });
}
