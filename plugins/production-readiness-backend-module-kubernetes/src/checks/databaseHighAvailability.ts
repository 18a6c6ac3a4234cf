import { V1PodTemplateSpec } from '@kubernetes/client-node';
import {
  ANNOTATIONS,
  Evidence,
  readHighAvailability,
} from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  CnpgClusterFact,
  KUBERNETES_COLLECTOR_ID,
  WorkloadFact,
} from '../collector/facts';
import {
  fromKubernetesSelector,
  KubernetesLabelSelector,
  matchesLabels,
} from '../collector/labelSelector';
import {
  evidence,
  kubernetesAnd,
  KUBERNETES_RUNTIME,
  listSome,
  missingCrd,
  plural,
  where,
  withKubernetesFacts,
  workloadName,
} from './helpers';
import {
  CNPG_HEALTHY_PHASE,
  CNPG_ROUTINE_PHASES,
} from '../collector/cnpgClusters';

const collectors = [KUBERNETES_COLLECTOR_ID];

/** Failure domains whose loss a database instance must survive. */
const FAILURE_DOMAINS = [
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
];

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
 * The scheduling rules that spread a database's own pods over nodes or zones. Rules on
 * other topology keys, or whose selector does not select these pods, spread nothing here.
 */
function spreadRules(template: V1PodTemplateSpec): SpreadRule[] {
  const spec = template.spec;
  const labels = template.metadata?.labels;
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

/** How one database (a StatefulSet or a CloudNativePG Cluster) holds up against the declaration. */
interface DatabaseJudgement {
  /** `orders-db (prod-eu)`. */
  name: string;
  evidence: Evidence;
  /** What breaks the declared HA (fail). */
  problems: string[];
  /** What weakens it (warn). */
  weaknesses: string[];
  /** How to remove the weaknesses. */
  remedies: string[];
  /** What holds, for the pass summary (read only without problems and weaknesses). */
  holds: string;
}

const NO_SPREAD = `no anti-affinity or topology spread of its pods on ${FAILURE_DOMAINS.join(
  ' or ',
)}`;

const STATEFULSET_SPREAD_REMEDY =
  'Make the spread mandatory: requiredDuringSchedulingIgnoredDuringExecution podAntiAffinity, or whenUnsatisfiable: DoNotSchedule with maxSkew 1.';

function judgeStatefulSet(
  w: WorkloadFact,
  required: number,
): DatabaseJudgement {
  const spread = spreadRules(w.template);
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
    problems.push(NO_SPREAD);
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
  return {
    name: workloadName(w),
    evidence: evidence(w.cluster, `StatefulSet ${w.namespace}/${w.name}`, {
      requiredInstances: required,
      replicas: w.replicas,
      readyReplicas: w.readyReplicas,
      spread: spread.length ? spread.map(r => r.text).join('; ') : 'none',
      disruptionBudget: budgets.length
        ? budgets.map(b => b.text).join('; ')
        : 'none',
    }),
    problems,
    weaknesses,
    remedies: weaknesses.length ? [STATEFULSET_SPREAD_REMEDY] : [],
    holds: `${w.readyReplicas}/${w.replicas} ready, ${
      spread.find(r => r.enforced)?.text
    }, PodDisruptionBudget ${budgets.find(b => b.keepsQuorum)?.text}`,
  };
}

function cnpgAffinityText(c: CnpgClusterFact): string {
  const { enabled, type, topologyKey, defaulted } = c.antiAffinity;
  const field = (key: string, value: string | boolean) =>
    `${key} ${value}${defaulted.includes(key) ? ' (default)' : ''}`;
  return enabled
    ? [
        field('enablePodAntiAffinity', enabled),
        field('podAntiAffinityType', type),
        field('topologyKey', topologyKey),
      ].join(', ')
    : field('enablePodAntiAffinity', enabled);
}

function cnpgBudgetText(b: CnpgClusterFact['disruptionBudgets'][number]) {
  const rule =
    b.minAvailable !== undefined
      ? `minAvailable ${b.minAvailable}`
      : `maxUnavailable ${b.maxUnavailable}`;
  return `${b.name} (${rule})`;
}

function judgeCnpgCluster(
  c: CnpgClusterFact,
  required: number,
): DatabaseJudgement {
  const spread = spreadRules(c.podTemplate);
  const problems: string[] = [];
  const weaknesses: string[] = [];
  const remedies: string[] = [];
  if (c.instances < required) {
    problems.push(`spec.instances is ${c.instances} (${required} required)`);
  } else if (c.readyInstances < required) {
    problems.push(
      `only ${c.readyInstances} of ${c.instances} instances ready (${required} required)`,
    );
  }
  const phaseText = c.phase
    ? `phase "${c.phase}"${c.phaseReason ? ` (${c.phaseReason})` : ''}`
    : 'no status.phase (the CloudNativePG operator has not reported on it)';
  if (c.phase === undefined) {
    problems.push(phaseText);
  } else if (c.phase !== CNPG_HEALTHY_PHASE) {
    if (CNPG_ROUTINE_PHASES.has(c.phase)) {
      weaknesses.push(phaseText);
      remedies.push(
        `Let the operation finish and re-run the checks; a CloudNativePG Cluster that does not return to "${CNPG_HEALTHY_PHASE}" needs attention (kubectl cnpg status).`,
      );
    } else {
      problems.push(phaseText);
    }
  }

  const { enabled, type, topologyKey } = c.antiAffinity;
  const spreadRemedy =
    'Set spec.affinity.podAntiAffinityType: required on the CloudNativePG Cluster (topologyKey kubernetes.io/hostname, the default, or topology.kubernetes.io/zone), or add topologySpreadConstraints with maxSkew 1 and whenUnsatisfiable DoNotSchedule.';
  if (spread.length === 0) {
    let why = '';
    if (!enabled) why = ' (affinity.enablePodAntiAffinity is false)';
    else if (!FAILURE_DOMAINS.includes(topologyKey)) {
      why = ` (affinity.topologyKey is ${topologyKey})`;
    } else if (type !== 'required' && type !== 'preferred') {
      why = ` (affinity.podAntiAffinityType "${type}" is neither required nor preferred)`;
    }
    problems.push(`${NO_SPREAD}${why}`);
  } else if (!spread.some(r => r.enforced)) {
    const generatedPreferred = enabled && type === 'preferred';
    weaknesses.push(
      `pods may share a node or zone (only ${spread
        .map(r => r.text)
        .join(', ')}${
        generatedPreferred
          ? ': affinity.podAntiAffinityType is preferred, the default'
          : ''
      })`,
    );
    remedies.push(spreadRemedy);
  }
  if (
    c.nodesUsed !== undefined &&
    c.nodesUsed > 0 &&
    c.nodesUsed < c.instances
  ) {
    weaknesses.push(
      `its ${c.instances} instances run on ${plural(
        c.nodesUsed,
        'node',
      )} (status.topology.nodesUsed)`,
    );
    remedies.push(spreadRemedy);
  }

  const budgets = c.disruptionBudgets.map(cnpgBudgetText);
  if (!c.enablePDB) {
    problems.push(
      'spec.enablePDB is false: the operator creates no PodDisruptionBudget, so a node drain may evict every instance at once',
    );
  } else if (c.maintenanceWindow) {
    weaknesses.push(
      "a node maintenance window is in progress (spec.nodeMaintenanceWindow.inProgress): the operator has lifted the replicas' PodDisruptionBudget",
    );
    remedies.push(
      'End the maintenance window (spec.nodeMaintenanceWindow.inProgress: false) once the node is back.',
    );
  } else if (budgets.length === 0) {
    problems.push(
      'spec.enablePDB is true but the cluster has no PodDisruptionBudget (the operator creates them while it runs)',
    );
  }
  let disruptionBudget = budgets.length ? budgets.join('; ') : 'none';
  if (!c.enablePDB) disruptionBudget = 'none: spec.enablePDB is false';

  return {
    name: workloadName(c),
    evidence: evidence(
      c.cluster,
      `CloudNativePG Cluster ${c.namespace}/${c.name}`,
      {
        requiredInstances: required,
        instances: c.instances,
        readyInstances: c.readyInstances,
        phase: c.phase ?? 'none',
        phaseReason: c.phaseReason ?? null,
        currentPrimary: c.currentPrimary ?? null,
        instanceNames: c.instanceNames.join(', '),
        nodesUsed: c.nodesUsed ?? null,
        affinity: cnpgAffinityText(c),
        spread: spread.length ? spread.map(r => r.text).join('; ') : 'none',
        disruptionBudget,
        matchedBy: c.matchedBy,
      },
    ),
    problems,
    weaknesses,
    remedies: [...new Set(remedies)],
    holds: `${c.readyInstances}/${c.instances} instances ready, ${c.phase}, ${
      spread.find(r => r.enforced)?.text
    }, operator PodDisruptionBudgets ${budgets.join(', ')}`,
  };
}

/**
 * `availability.database-ha`: a database that declares high availability really runs as a
 * replicated, spread set of instances protected by a disruption budget that keeps a quorum.
 * Databases are the entity's StatefulSets and CloudNativePG Clusters (whose Pods the operator
 * manages without a StatefulSet). Where nothing is declared the check does not apply (the
 * design's "HA where declared").
 */
export function createDatabaseHighAvailabilityCheck(): ReadinessCheck {
  const key = ANNOTATIONS.highAvailability;
  return createReadinessCheck({
    id: 'availability.database-ha',
    pillar: 'availability',
    title: 'Database high availability where declared',
    description: `A database that declares high availability (${key}: true, or the number of instances) really has it. For every StatefulSet of the entity: at least that many replicas, and at least that many ready; required podAntiAffinity or a DoNotSchedule topology spread (maxSkew 1) keeps its pods on different nodes (kubernetes.io/hostname) or zones (topology.kubernetes.io/zone); and a PodDisruptionBudget keeps a majority of the replicas up during node drains. For every CloudNativePG Cluster (postgresql.cnpg.io/v1): spec.instances and status.readyInstances at least that many, status.phase "${CNPG_HEALTHY_PHASE}", affinity.podAntiAffinityType required (the default, preferred, only warns) on a node or zone topologyKey, and the operator's PodDisruptionBudgets (spec.enablePDB not false). It applies only where the annotation declares it. Severity major: a single replica already fails the critical availability.replicas check; this one stops the production (silver) level while the declared redundancy would not survive losing or draining a node.`,
    severity: 'major',
    appliesTo: kubernetesAnd([{ hasAnnotations: [key] }]),
    runtime: KUBERNETES_RUNTIME,
    remediation: `Run the database as a StatefulSet with spec.replicas of at least the declared number (3 for a quorum that survives one loss), a required podAntiAffinity on kubernetes.io/hostname selecting its own pods (or topologySpreadConstraints with maxSkew 1 and whenUnsatisfiable DoNotSchedule), and a PodDisruptionBudget with maxUnavailable 1; or as a CloudNativePG Cluster with spec.instances of at least the declared number, spec.affinity.podAntiAffinityType: required and spec.enablePDB left true.`,
    sources: collectors,
    collectors,
    evaluate: withKubernetesFacts(
      ['statefulsets', 'poddisruptionbudgets', 'cnpgclusters'],
      input => {
        const { facts, context } = input;
        // Where CloudNativePG is not installed (404) there are no Clusters to find: worth
        // saying when nothing is found, irrelevant otherwise.
        const cnpgMissing = facts.clusters
          .map(cluster => missingCrd(input, cluster, 'cnpgclusters'))
          .filter((reason): reason is string => reason !== undefined);
        const missingNote = cnpgMissing.length
          ? `; ${cnpgMissing.join('; ')}`
          : '';
        const missingEvidence = cnpgMissing.map(reason => ({
          label: 'not installed',
          value: reason,
          source: 'kubernetes',
        }));
        if (facts.workloads.length === 0 && facts.cnpgClusters.length === 0) {
          return checkResult.unknown(
            `No Deployment, StatefulSet or CloudNativePG Cluster matches ${where(
              facts,
            )}${missingNote}`,
            [
              {
                label: 'selector',
                value: facts.selector,
                source: 'kubernetes',
              },
              ...missingEvidence,
            ],
            `Label the database's StatefulSet (and its pod template), or the CloudNativePG Cluster (metadata.labels or spec.inheritedMetadata.labels), with ${ANNOTATIONS.kubernetesId}=<id>, or fix ${ANNOTATIONS.kubernetesLabelSelector} / ${ANNOTATIONS.kubernetesNamespace}.`,
          );
        }
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
        if (statefulSets.length === 0 && facts.cnpgClusters.length === 0) {
          return checkResult.unknown(
            `No StatefulSet or CloudNativePG Cluster matches ${where(
              facts,
            )} (only Deployment ${listSome(
              facts.workloads.map(workloadName),
            )}); database instances are read from StatefulSets and CloudNativePG Clusters${missingNote}`,
            [
              {
                label: 'declared',
                value: declaration.text,
                source: 'catalog',
              },
              ...missingEvidence,
            ],
            'Run the database as a StatefulSet (one PersistentVolumeClaim per instance) or a CloudNativePG Cluster, labelled for the entity.',
          );
        }
        const judgements = [
          ...statefulSets.map(w => judgeStatefulSet(w, required)),
          ...facts.cnpgClusters.map(c => judgeCnpgCluster(c, required)),
        ];
        const items: Evidence[] = [
          { label: 'declared', value: declaration.text, source: 'catalog' },
          ...judgements.map(j => j.evidence),
        ];
        const broken = judgements.filter(j => j.problems.length);
        if (broken.length) {
          return checkResult.fail(
            `Declared high availability (${required} instances) does not hold: ${broken
              // What only weakens it is worth reading too: it often explains the problem.
              .map(
                j =>
                  `${j.name}: ${[...j.problems, ...j.weaknesses].join(', ')}`,
              )
              .join('; ')}`,
            items,
          );
        }
        const weak = judgements.filter(j => j.weaknesses.length);
        if (weak.length) {
          return checkResult.warn(
            `Declared high availability (${required} instances) is not enforced: ${weak
              .map(j => `${j.name}: ${j.weaknesses.join(', ')}`)
              .join('; ')}`,
            items,
            [...new Set(weak.flatMap(j => j.remedies))].join(' '),
          );
        }
        return checkResult.pass(
          `Declared high availability (${required} instances) holds: ${judgements
            .map(j => `${j.name} ${j.holds}`)
            .join('; ')}`,
          items,
        );
      },
      { needsWorkloads: false, discovery: ['cnpgclusters'] },
    ),
  });
}
