import { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { KUBERNETES_COLLECTOR_ID, WorkloadFact } from '../collector/facts';
import {
  fromKubernetesSelector,
  KubernetesLabelSelector,
  matchesLabels,
} from '../collector/labelSelector';
import {
  evidence,
  kubernetesAnd,
  listSome,
  where,
  withKubernetesFacts,
  workloadName,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];

const MAX_INSTANCES = 99;

/** Failure domains whose loss a database instance must survive. */
const FAILURE_DOMAINS = [
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
];

/** What the entity declares about its high availability. */
export type HighAvailabilityDeclaration =
  | { state: 'declared'; instances: number; text: string }
  | { state: 'invalid'; error: string; value: string };

/**
 * Reads `production-readiness.io/high-availability`: `true` (at least two instances) or a
 * whole number of instances from 2 to 99. Anything else is invalid, with the reason.
 */
export function readHighAvailability(
  entity: Entity,
): HighAvailabilityDeclaration {
  const key = ANNOTATIONS.highAvailability;
  const value = (entity.metadata.annotations?.[key] ?? '').trim();
  const shown = JSON.stringify(value.slice(0, 80));
  if (value.toLocaleLowerCase('en-US') === 'true') {
    return { state: 'declared', instances: 2, text: `${key}=${value}` };
  }
  if (/^[0-9]+$/.test(value)) {
    const instances = Number(value);
    if (instances >= 2 && instances <= MAX_INSTANCES) {
      return { state: 'declared', instances, text: `${key}=${value}` };
    }
    if (instances < 2) {
      return {
        state: 'invalid',
        value,
        error: `annotation ${key} ${shown} asks for ${
          instances === 1 ? 'a single instance' : 'no instance'
        }, which is not high availability: use true or a number of instances from 2 to ${MAX_INSTANCES}, or remove the annotation`,
      };
    }
  }
  return {
    state: 'invalid',
    value,
    error: `annotation ${key} ${shown} is not valid: use true (at least 2 instances) or the number of instances that must be ready, from 2 to ${MAX_INSTANCES}`,
  };
}

/** Kubernetes' IntOrString scaled against `total`, rounded up as the disruption controller does. */
function scaled(value: number | string, total: number): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  }
  const percent = /^([0-9]+)%$/.exec(value)?.[1];
  return percent === undefined
    ? undefined
    : Math.ceil((Number(percent) * total) / 100);
}

/** A majority of `replicas`: what a quorum-based database needs to stay writable. */
const quorumOf = (replicas: number) => Math.floor(replicas / 2) + 1;

interface BudgetJudgement {
  /** `orders-db (maxUnavailable 1) keeps 2 of 3 up, quorum 2`. */
  text: string;
  keepsQuorum: boolean;
}

/** How many pods a PodDisruptionBudget keeps up during voluntary disruptions. */
function judgeBudget(
  w: WorkloadFact,
  pdb: WorkloadFact['disruptionBudgets'][number],
): BudgetJudgement {
  const quorum = quorumOf(w.replicas);
  let rule: string;
  let kept: number | undefined;
  if (pdb.minAvailable !== undefined) {
    rule = `minAvailable ${pdb.minAvailable}`;
    kept = scaled(pdb.minAvailable, w.replicas);
  } else if (pdb.maxUnavailable !== undefined) {
    rule = `maxUnavailable ${pdb.maxUnavailable}`;
    const evictable = scaled(pdb.maxUnavailable, w.replicas);
    kept =
      evictable === undefined ? undefined : Math.max(w.replicas - evictable, 0);
  } else {
    rule = 'neither minAvailable nor maxUnavailable';
    kept = 0;
  }
  if (kept === undefined) {
    return {
      text: `${pdb.name} (${rule}) is neither an integer nor a percentage`,
      keepsQuorum: false,
    };
  }
  const up = `keeps ${Math.min(kept, w.replicas)} of ${w.replicas} up`;
  return kept >= quorum
    ? {
        text: `${pdb.name} (${rule}) ${up}, quorum ${quorum}`,
        keepsQuorum: true,
      }
    : {
        text: `${pdb.name} (${rule}) ${up}, below the quorum of ${quorum}`,
        keepsQuorum: false,
      };
}

interface SpreadRule {
  text: string;
  /** The scheduler refuses to co-locate pods (not just prefers not to). */
  enforced: boolean;
}

/**
 * The scheduling rules that spread the StatefulSet's own pods over nodes or zones. Rules on
 * other topology keys, or whose selector does not select these pods, spread nothing here.
 */
function spreadRules(w: WorkloadFact): SpreadRule[] {
  const spec = w.template.spec;
  const labels = w.template.metadata?.labels;
  const selectsOwnPods = (selector: KubernetesLabelSelector | undefined) =>
    matchesLabels(fromKubernetesSelector(selector), labels);
  const onFailureDomain = (key: string | undefined): key is string =>
    key !== undefined && FAILURE_DOMAINS.includes(key);
  const anti = spec?.affinity?.podAntiAffinity;
  const rules: SpreadRule[] = [];
  for (const term of anti?.requiredDuringSchedulingIgnoredDuringExecution ??
    []) {
    if (onFailureDomain(term.topologyKey) && selectsOwnPods(term.labelSelector))
      rules.push({
        text: `required anti-affinity on ${term.topologyKey}`,
        enforced: true,
      });
  }
  for (const c of spec?.topologySpreadConstraints ?? []) {
    if (onFailureDomain(c.topologyKey) && selectsOwnPods(c.labelSelector)) {
      const enforced =
        c.whenUnsatisfiable === 'DoNotSchedule' && c.maxSkew === 1;
      rules.push({
        text: `topology spread on ${c.topologyKey} (maxSkew ${c.maxSkew}, ${c.whenUnsatisfiable})`,
        enforced,
      });
    }
  }
  for (const weighted of anti?.preferredDuringSchedulingIgnoredDuringExecution ??
    []) {
    const term = weighted.podAffinityTerm;
    if (
      onFailureDomain(term?.topologyKey) &&
      selectsOwnPods(term?.labelSelector)
    ) {
      rules.push({
        text: `preferred anti-affinity on ${term.topologyKey}`,
        enforced: false,
      });
    }
  }
  return rules;
}

interface InstanceJudgement {
  workload: WorkloadFact;
  spread: SpreadRule[];
  budgets: BudgetJudgement[];
  /** What breaks the declared HA (fail). */
  problems: string[];
  /** What weakens it (warn). */
  weaknesses: string[];
}

function judge(w: WorkloadFact, required: number): InstanceJudgement {
  const spread = spreadRules(w);
  const budgets = w.disruptionBudgets.map(p => judgeBudget(w, p));
  const problems: string[] = [];
  const weaknesses: string[] = [];
  if (w.replicas < required) {
    problems.push(`spec.replicas is ${w.replicas} (${required} required)`);
  } else if (w.readyReplicas < required) {
    problems.push(
      `only ${w.readyReplicas} of ${w.replicas} replicas ready (${required} required)`,
    );
  }
  if (spread.length === 0) {
    problems.push(
      `no anti-affinity or topology spread of its pods on ${FAILURE_DOMAINS.join(
        ' or ',
      )}`,
    );
  } else if (!spread.some(r => r.enforced)) {
    weaknesses.push(
      `pods may share a node or zone (only ${spread
        .map(r => r.text)
        .join(', ')})`,
    );
  }
  if (budgets.length === 0) {
    problems.push('no PodDisruptionBudget');
  } else if (!budgets.some(b => b.keepsQuorum)) {
    problems.push(`PodDisruptionBudget ${budgets.map(b => b.text).join(', ')}`);
  }
  return { workload: w, spread, budgets, problems, weaknesses };
}

/**
 * `availability.database-ha`: a database that declares high availability really runs as a
 * replicated, spread set of instances protected by a disruption budget that keeps a quorum.
 * Where nothing is declared the check does not apply (the design's "HA where declared").
 */
export function createDatabaseHighAvailabilityCheck(): ReadinessCheck {
  const key = ANNOTATIONS.highAvailability;
  return createReadinessCheck({
    id: 'availability.database-ha',
    pillar: 'availability',
    title: 'Database high availability where declared',
    description: `A database that declares high availability (${key}: true, or the number of instances) really has it: every StatefulSet of the entity has at least that many replicas, and at least that many ready; required podAntiAffinity or a DoNotSchedule topology spread (maxSkew 1) keeps its pods on different nodes (kubernetes.io/hostname) or zones (topology.kubernetes.io/zone); and a PodDisruptionBudget keeps a majority of the replicas up during node drains. It applies only where the annotation declares it. Severity major: a single replica already fails the critical availability.replicas check; this one stops the production (silver) level while the declared redundancy would not survive losing or draining a node.`,
    severity: 'major',
    appliesTo: kubernetesAnd([{ hasAnnotations: [key] }]),
    remediation: `Run the database as a StatefulSet with spec.replicas of at least the declared number (3 for a quorum that survives one loss), a required podAntiAffinity on kubernetes.io/hostname selecting its own pods (or topologySpreadConstraints with maxSkew 1 and whenUnsatisfiable DoNotSchedule), and a PodDisruptionBudget with maxUnavailable 1.`,
    sources: collectors,
    collectors,
    evaluate: context => {
      return withKubernetesFacts(
        ['statefulsets', 'poddisruptionbudgets'],
        ({ facts }) => {
          const declaration = readHighAvailability(context.entity);
          if (declaration.state === 'invalid') {
            return checkResult.unknown(
              declaration.error,
              [
                {
                  label: `annotation ${key}`,
                  value: declaration.value.slice(0, 80),
                  source: 'catalog',
                },
              ],
              `Set ${key} to true, or to the number of instances that must be ready (e.g. "3").`,
            );
          }
          const required = declaration.instances;
          const statefulSets = facts.workloads.filter(
            w => w.kind === 'StatefulSet',
          );
          if (statefulSets.length === 0) {
            return checkResult.unknown(
              `No StatefulSet matches ${where(
                facts,
              )} (only Deployment ${listSome(
                facts.workloads.map(workloadName),
              )}); database instances are read from StatefulSets`,
              [
                {
                  label: 'declared',
                  value: declaration.text,
                  source: 'catalog',
                },
              ],
              'Run the database as a StatefulSet (one PersistentVolumeClaim per instance) labelled for the entity.',
            );
          }
          const judgements = statefulSets.map(w => judge(w, required));
          const items = [
            { label: 'declared', value: declaration.text, source: 'catalog' },
            ...judgements.map(j =>
              evidence(
                j.workload.cluster,
                `StatefulSet ${j.workload.namespace}/${j.workload.name}`,
                {
                  requiredInstances: required,
                  replicas: j.workload.replicas,
                  readyReplicas: j.workload.readyReplicas,
                  spread: j.spread.length
                    ? j.spread.map(r => r.text).join('; ')
                    : 'none',
                  disruptionBudget: j.budgets.length
                    ? j.budgets.map(b => b.text).join('; ')
                    : 'none',
                },
              ),
            ),
          ];
          const broken = judgements.filter(j => j.problems.length);
          if (broken.length) {
            return checkResult.fail(
              `Declared high availability (${required} instances) does not hold: ${broken
                .map(
                  j => `${workloadName(j.workload)}: ${j.problems.join(', ')}`,
                )
                .join('; ')}`,
              items,
            );
          }
          const weak = judgements.filter(j => j.weaknesses.length);
          if (weak.length) {
            return checkResult.warn(
              `Declared high availability (${required} instances) is not enforced: ${weak
                .map(
                  j =>
                    `${workloadName(j.workload)}: ${j.weaknesses.join(', ')}`,
                )
                .join('; ')}`,
              items,
              'Make the spread mandatory: requiredDuringSchedulingIgnoredDuringExecution podAntiAffinity, or whenUnsatisfiable: DoNotSchedule with maxSkew 1.',
            );
          }
          return checkResult.pass(
            `Declared high availability (${required} instances) holds: ${judgements
              .map(j => {
                const budget = j.budgets.find(b => b.keepsQuorum)!;
                const rule = j.spread.find(r => r.enforced)!;
                return `${workloadName(j.workload)} ${
                  j.workload.readyReplicas
                }/${j.workload.replicas} ready, ${
                  rule.text
                }, PodDisruptionBudget ${budget.text}`;
              })
              .join('; ')}`,
            items,
          );
        },
      )(context);
    },
  });
}
