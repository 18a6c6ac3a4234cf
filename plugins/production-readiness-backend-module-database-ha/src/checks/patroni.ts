import {
  Evidence,
  formatBytes,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
} from '@production-readiness/plugin-production-readiness-node';
import { PatroniFacts, PatroniMember } from '../collector/PatroniCollector';

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
