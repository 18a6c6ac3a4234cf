import { Evidence } from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  OperatorDatabaseCluster,
  OperatorDatabaseClustersFacts,
} from '@production-readiness/plugin-production-readiness-node';

function clusterEvidence(c: OperatorDatabaseCluster): Evidence {
  return {
    label: c.name,
    value: {
      instances: c.instances,
      ready: c.readyInstances,
      ...(c.primary ? { primary: c.primary } : {}),
      ...(c.state ? { state: c.state } : {}),
    },
    source: c.source,
  };
}

/**
 * Judges the database clusters an operator runs for the entity (CloudNativePG): each asks for
 * and has ready at least the members needed, names a primary, and its operator reports it
 * healthy; a routine operation (switchover, rolling update) only warns. Undefined when the
 * entity selects none: no evidence.
 */
export function judgeOperatorClusters(
  facts: OperatorDatabaseClustersFacts,
  needed: { instances: number; why: string },
): CheckEvaluation | undefined {
  if (facts.clusters.length === 0) {
    return undefined;
  }
  const evidence = facts.clusters.map(clusterEvidence);
  const problems: string[] = [];
  const operations: string[] = [];
  for (const c of facts.clusters) {
    if (c.instances < needed.instances) {
      problems.push(
        `${c.name} asks for ${c.instances} instances, ${needed.instances} needed (${needed.why})`,
      );
    } else if (c.readyInstances < needed.instances) {
      problems.push(
        `${c.name} has ${c.readyInstances} of the ${needed.instances} instances needed (${needed.why}) ready`,
      );
    }
    if (!c.primary) problems.push(`${c.name} names no current primary`);
    if (c.condition === 'unhealthy') {
      problems.push(`${c.name} is not healthy: ${c.state}`);
    } else if (c.condition === 'routine-operation') {
      operations.push(`${c.name}: ${c.state}`);
    }
  }
  if (problems.length) {
    return checkResult.fail(
      problems.join('; '),
      evidence,
      'See `kubectl cnpg status <cluster>`: raise spec.instances to the members needed, and bring failed instances back (their Pods, PVCs and the operator log).',
    );
  }
  if (operations.length) {
    return checkResult.warn(
      `${operations.join('; ')}: an operation is in progress`,
      evidence,
      'Let the operation finish; a CloudNativePG Cluster that does not return to "Cluster in healthy state" needs attention (kubectl cnpg status).',
    );
  }
  return checkResult.pass(
    facts.clusters
      .map(
        c =>
          `${c.name}: primary ${c.primary}, ${c.readyInstances} of ${c.instances} instances ready; ${needed.instances} needed (${needed.why})`,
      )
      .join('; '),
    evidence,
  );
}
