import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { hostsEvidence, VM_CHECK_COMMON, withVmHosts } from '../vmFacts';

/** `availability.vm-hosts-up`: every host of a VM service is scraped by node_exporter and up. */
export function createVmHostsUpCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...VM_CHECK_COMMON,
    id: 'availability.vm-hosts-up',
    pillar: 'availability',
    title: 'VM hosts scraped and up',
    description:
      "Every host of a service that runs on VMs is a node_exporter target of the service's Prometheus, and its targets are up.",
    severity: 'critical',
    remediation:
      'Run node_exporter on every host (the template role installs it) and scrape it; bring down targets back up.',
    evaluate: withVmHosts((facts, hosts) => {
      const problems = hosts.flatMap(h => {
        if (h.up === undefined) return [`${h.host} is not a target`];
        if (!h.up) return [`${h.host} is down`];
        if (!h.nodeExporter)
          return [`${h.host} exports no node_exporter series`];
        return [];
      });
      const summary = `${hosts.length} host${hosts.length === 1 ? '' : 's'} (${
        facts.how
      })`;
      return problems.length
        ? checkResult.fail(
            `${problems.length} of ${summary} not up: ${problems.join('; ')}`,
            [hostsEvidence(facts)],
          )
        : checkResult.pass(
            `Every one of ${summary} is scraped by node_exporter and up: ${hosts
              .map(h => h.host)
              .join(', ')}`,
            [hostsEvidence(facts)],
          );
    }),
  });
}
