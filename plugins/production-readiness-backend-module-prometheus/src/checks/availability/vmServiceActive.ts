import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { hostsEvidence, VM_CHECK_COMMON, withVmHosts } from '../vmFacts';

/**
 * `availability.vm-service-active`: the service's systemd units are active on every host, as
 * node_exporter's systemd collector reports them.
 */
export function createVmServiceActiveCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...VM_CHECK_COMMON,
    id: 'availability.vm-service-active',
    pillar: 'availability',
    title: 'Service unit active on every VM host',
    description: `On every host of a service that runs on VMs, node_exporter's systemd collector reports the service's units (${ANNOTATIONS.systemdUnit}, default <entity name>.service) active.`,
    severity: 'critical',
    remediation: `Run the service as a systemd unit on every host and start it; run node_exporter with --collector.systemd (the template's Ansible role does both), or name the units in ${ANNOTATIONS.systemdUnit}.`,
    evaluate: withVmHosts((facts, hosts) => {
      const units = facts.units.join(', ');
      const problems = hosts.flatMap(h => {
        if (!h.units) {
          return [
            `${h.host} exports no node_systemd_unit_state: run node_exporter with --collector.systemd`,
          ];
        }
        return facts.units.flatMap(unit => {
          const state = h.units![unit];
          if (state === 'active') return [];
          return [
            state === undefined
              ? `${h.host}: ${unit} is not active (inactive or not installed)`
              : `${h.host}: ${unit} is ${state}`,
          ];
        });
      });
      const evidence = [
        hostsEvidence(facts),
        { label: 'units', value: facts.units, source: 'catalog' },
      ];
      return problems.length
        ? checkResult.fail(
            `${units} not active everywhere: ${problems.join('; ')}`,
            evidence,
          )
        : checkResult.pass(
            `${units} active on every one of ${hosts.length} host${
              hosts.length === 1 ? '' : 's'
            }: ${hosts.map(h => h.host).join(', ')}`,
            evidence,
          );
    }),
  });
}
