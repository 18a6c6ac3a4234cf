import {
  ANNOTATIONS,
  EntityFilter,
  Evidence,
  formatBytes,
  readHighAvailability,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  LOAD_BALANCER_BACKENDS_COLLECTOR_ID,
  LoadBalancerBackendsFacts,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  PATRONI_COLLECTOR_ID,
  PatroniFacts,
  PatroniMember,
} from '../collector/PatroniCollector';
import { judgeLoadBalancer } from './loadBalancer';

const LEADER_ROLES = ['leader', 'standby_leader', 'primary', 'master'];
const REPLICATING = ['streaming', 'running'];

function memberEvidence(facts: PatroniFacts, m: PatroniMember): Evidence {
  return {
    label: `member ${m.name}`,
    value: {
      role: m.role,
      state: m.state,
      ...(m.lagBytes !== undefined ? { lag: formatBytes(m.lagBytes) } : {}),
      ...(m.timeline !== undefined ? { timeline: m.timeline } : {}),
      ...(m.host ? { address: `${m.host}:${m.port ?? ''}` } : {}),
    },
    source: `patroni:${facts.cluster}`,
  };
}

/** Judges one Patroni cluster against what the entity needs: members, leader, lag. */
export function judgePatroni(
  facts: PatroniFacts,
  needed: { instances: number; why: string },
  maxLagBytes: number,
): CheckEvaluation {
  const evidence = facts.members.map(m => memberEvidence(facts, m));
  const name = `Patroni cluster ${facts.cluster}`;
  const leaders = facts.members.filter(m => LEADER_ROLES.includes(m.role));
  const leader = leaders.find(m => m.state === 'running');
  const replicas = facts.members.filter(m => !LEADER_ROLES.includes(m.role));
  const broken = replicas.filter(m => !REPLICATING.includes(m.state));
  const replicating = replicas.filter(m => REPLICATING.includes(m.state));
  const lagging = replicating.filter(
    m => m.lagBytes === undefined || m.lagBytes > maxLagBytes,
  );
  const healthy = (leader ? 1 : 0) + replicating.length - lagging.length;
  const problems = [
    !leader &&
      (leaders.length
        ? `its leader ${leaders[0].name} is ${leaders[0].state}`
        : 'it has no leader'),
    ...broken.map(m => `replica ${m.name} is ${m.state}`),
    facts.members.length < needed.instances &&
      `${facts.members.length} of the ${needed.instances} members needed (${needed.why}) are in the cluster`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length || healthy + lagging.length < needed.instances) {
    return checkResult.fail(
      `${name} is not highly available: ${
        problems.join('; ') ||
        `only ${healthy} healthy members of the ${needed.instances} needed (${needed.why})`
      }`,
      evidence,
      `Bring the cluster back to ${needed.instances} members: start the stopped ones (\`patronictl -c <config> list ${facts.cluster}\` shows them), reinitialise a broken replica (\`patronictl reinit\`), and check the leader's PostgreSQL log.`,
    );
  }
  if (lagging.length) {
    return checkResult.warn(
      `${name}: ${lagging
        .map(
          m =>
            `replica ${m.name} is ${
              m.lagBytes === undefined
                ? 'at an unknown lag'
                : `${formatBytes(m.lagBytes)} behind`
            }`,
        )
        .join('; ')} (more than ${formatBytes(
        maxLagBytes,
      )} would be lost on failover)`,
      evidence,
      "Find why the replica falls behind (network, disk, long queries on it, the leader's write load) in its PostgreSQL log and pg_stat_replication.",
    );
  }
  return checkResult.pass(
    `${name}: leader ${leader!.name}${
      leader!.timeline !== undefined ? ` (timeline ${leader!.timeline})` : ''
    }, ${replicating.length} ${
      replicating.length === 1 ? 'replica' : 'replicas'
    } streaming (${replicating
      .map(m => `${m.name} ${formatBytes(m.lagBytes ?? 0)} behind`)
      .join(', ')}); ${needed.instances} members needed (${needed.why})`,
    evidence,
  );
}

const RANK: Record<string, number> = { pass: 0, warn: 1, fail: 2 };

/**
 * One verdict from the parts of the evidence (the members, the load balancer in front): the
 * worst part decides, and its summary comes first.
 */
function combine(parts: CheckEvaluation[]): CheckEvaluation {
  if (parts.length === 1) return parts[0];
  const worst = parts.reduce((a, b) =>
    (RANK[b.status] ?? 3) > (RANK[a.status] ?? 3) ? b : a,
  );
  const shown =
    worst.status === 'pass' ? parts : parts.filter(p => p.status !== 'pass');
  return {
    status: worst.status,
    summary: shown.map(p => p.summary).join('; '),
    evidence: parts.flatMap(p => p.evidence ?? []),
    ...(worst.remediation ? { remediation: worst.remediation } : {}),
  };
}

/**
 * `availability.data-store-ha`: a data store a production service depends on is highly
 * available, as its live members show: a running leader, replicas streaming within the lag
 * bound, at least as many members as declared (at least two).
 */
export function createDataStoreHaCheck(options: {
  statefulTypes: string[];
  maxReplicationLagBytes: number;
}): ReadinessCheck {
  const stateful: EntityFilter = {
    anyOf: [
      { kind: ['Resource'], type: options.statefulTypes },
      { kind: ['Component'], type: options.statefulTypes },
    ],
  };
  return createReadinessCheck({
    id: 'availability.data-store-ha',
    pillar: 'availability',
    title: 'Data store is highly available',
    description: `A data store that production services depend on survives losing an instance, as its live members show (Patroni's REST API): a running leader, every replica streaming and at most ${formatBytes(
      options.maxReplicationLagBytes,
    )} behind, and at least as many members as ${
      ANNOTATIONS.highAvailability
    } declares (two when it declares nothing). Where it names the HAProxy backend its clients connect through (${
      ANNOTATIONS.haproxyBackend
    }) and the Prometheus module is installed, that backend has a live server, every server is health-checked, and none is down except a standby answering its role check (HAProxy's own Prometheus endpoint). A single instance passes only with an approved waiver.`,
    severity: 'critical',
    appliesTo: { hasAnnotations: [ANNOTATIONS.patroniCluster] },
    requiredOf: stateful,
    remediation: `Run the database with at least one streaming replica under Patroni and name the cluster with ${ANNOTATIONS.patroniCluster}.`,
    collectors: [PATRONI_COLLECTOR_ID],
    optionalCollectors: [LOAD_BALANCER_BACKENDS_COLLECTOR_ID],
    sources: [PATRONI_COLLECTOR_ID, LOAD_BALANCER_BACKENDS_COLLECTOR_ID],
    evaluate: context => {
      const facts = context.facts<PatroniFacts>(PATRONI_COLLECTOR_ID);
      if (!facts) {
        return checkResult.unknown(
          `No Patroni cluster declared (${ANNOTATIONS.patroniCluster})`,
        );
      }
      if (facts.misconfigured) {
        return checkResult.unknown(
          facts.misconfigured,
          [
            {
              label: ANNOTATIONS.patroniCluster,
              value: facts.cluster,
              source: 'catalog',
            },
          ],
          `Name a cluster listed in productionReadiness.databaseHa.patroni, or ask the platform team to add it there.`,
        );
      }
      const declared = context.entity.metadata.annotations?.[
        ANNOTATIONS.highAvailability
      ]
        ? readHighAvailability(context.entity)
        : undefined;
      if (declared?.state === 'invalid') {
        return checkResult.unknown(declared.error, [
          {
            label: ANNOTATIONS.highAvailability,
            value: declared.value,
            source: 'catalog',
          },
        ]);
      }
      const members = judgePatroni(
        facts,
        declared
          ? { instances: declared.instances, why: declared.text }
          : { instances: 2, why: 'a leader and a replica' },
        options.maxReplicationLagBytes,
      );
      // Where it names the HAProxy backend its clients connect through, and the Prometheus
      // module reads HAProxy: that way in must reach a live, checked member too.
      const loadBalancer = context.facts<LoadBalancerBackendsFacts>(
        LOAD_BALANCER_BACKENDS_COLLECTOR_ID,
      );
      return combine(
        loadBalancer ? [members, judgeLoadBalancer(loadBalancer)] : [members],
      );
    },
  });
}
