import {
  Evidence,
  EntityFilter,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  checkResult,
  withFacts,
} from '@production-readiness/plugin-production-readiness-node';
import {
  VM_HOSTS_COLLECTOR_ID,
  VM_HOSTS_FACTS,
  VmHostFact,
  VmHostsRead,
} from '../collectors/VmHostsCollector';

/** Facts of an entity whose hosts were looked up. */
export type ReadVmFacts = VmHostsRead;

/** The runtime these checks judge; on it they replace the Kubernetes checks of their pillar. */
export const VM_RUNTIME = 'vm';

/** Where the VM checks run: entities that declare they run on VMs. */
export const VM_ENTITIES: EntityFilter = { runtime: [VM_RUNTIME] };

/** What every VM check shares. */
export const VM_CHECK_COMMON = {
  appliesTo: VM_ENTITIES,
  runtime: VM_RUNTIME,
  sources: [VM_HOSTS_COLLECTOR_ID],
  collectors: [VM_HOSTS_COLLECTOR_ID],
};

/** The hosts and what Prometheus shows of each. */
export function hostsEvidence(facts: ReadVmFacts): Evidence {
  return {
    label: 'hosts',
    value: { found: facts.how, hosts: facts.hosts as unknown[] },
    source: `prometheus:${facts.instance}`,
  };
}

/**
 * Runs `evaluate` on the entity's hosts; no Prometheus instance, or no host found, fails with
 * what to declare.
 */
export function withVmHosts(
  evaluate: (
    facts: ReadVmFacts,
    hosts: VmHostFact[],
    context: CheckContext,
  ) => CheckEvaluation,
) {
  return withFacts(
    VM_HOSTS_FACTS,
    (facts, context) =>
      facts.hosts.length
        ? evaluate(facts, facts.hosts, context)
        : checkResult.fail(
            `No VM host found on prometheus:${facts.instance}: no ${facts.how}`,
            [hostsEvidence(facts)],
            'Scrape every host of the service with node_exporter and label its target with the service value (or the backstage_entity ref), or name the hosts in production-readiness.io/vm-hosts.',
          ),
    {
      missing: {
        summary: 'The VM hosts collector found nothing for this entity',
      },
    },
  );
}
