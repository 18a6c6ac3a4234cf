import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { WorkloadFact } from '../collector/facts';
import {
  describeObject,
  evaluateContainers,
  evidence,
  WORKLOAD_CHECK_SCOPE,
  listSome,
  plural,
  withKubernetesFacts,
  workloadName,
} from './helpers';
import { KUBERNETES_COLLECTOR_ID } from '../collector/facts';
import { createDatabaseHighAvailabilityCheck } from './databaseHighAvailability';

const collectors = [KUBERNETES_COLLECTOR_ID];

/** Replicas the workload never goes below: the HPA minimum when one scales it. */
function floorReplicas(w: WorkloadFact): number {
  const hpaMin = w.autoscalers.map(a => a.minReplicas ?? 1);
  return hpaMin.length ? Math.min(...hpaMin) : w.replicas;
}

const isZero = (v: number | string | undefined) =>
  v === 0 || v === '0' || v === '0%';

/** Whether a PodDisruptionBudget lets no pod be evicted, so node drains hang. */
function blocksEvictions(
  w: WorkloadFact,
  pdb: WorkloadFact['disruptionBudgets'][number],
): boolean {
  if (pdb.maxUnavailable !== undefined) return isZero(pdb.maxUnavailable);
  if (pdb.minAvailable === '100%') return true;
  return typeof pdb.minAvailable === 'number' && pdb.minAvailable >= w.replicas;
}

export function createAvailabilityChecks(): ReadinessCheck[] {
  return [
    createReadinessCheck({
      id: 'availability.replicas',
      pillar: 'availability',
      title: 'At least two replicas',
      description:
        'Every Deployment and StatefulSet runs at least two replicas (or is scaled by an HPA whose minReplicas is at least two), so a deploy, a node drain or a crash does not take the service down.',
      severity: 'critical',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Set spec.replicas to 2 or more (or minReplicas of the HorizontalPodAutoscaler).',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(
        ['deployments', 'statefulsets', 'horizontalpodautoscalers'],
        ({ facts }) => {
          const items = facts.workloads.map(w =>
            evidence(w.cluster, `${w.kind} ${w.namespace}/${w.name}`, {
              replicas: w.replicas,
              readyReplicas: w.readyReplicas,
              hpaMinReplicas: w.autoscalers[0]?.minReplicas ?? null,
            }),
          );
          const single = facts.workloads.filter(w => floorReplicas(w) < 2);
          if (single.length) {
            return checkResult.fail(
              `${plural(
                single.length,
                'workload',
              )} can run a single replica: ${listSome(
                single.map(
                  w => `${describeObject(w.kind, w)} has ${floorReplicas(w)}`,
                ),
              )}`,
              items,
            );
          }
          const degraded = facts.workloads.filter(w => w.readyReplicas < 2);
          if (degraded.length) {
            return checkResult.warn(
              `Replicas are declared but not ready: ${listSome(
                degraded.map(
                  w =>
                    `${workloadName(w)} ${w.readyReplicas}/${w.replicas} ready`,
                ),
              )}`,
              items,
              'Look at why pods are not ready: kubectl describe pods of the workload.',
            );
          }
          return checkResult.pass(
            `Every workload runs at least 2 replicas: ${listSome(
              facts.workloads.map(
                w =>
                  `${workloadName(w)} ${w.readyReplicas}/${w.replicas} ready`,
              ),
            )}`,
            items,
          );
        },
      ),
    }),
    createReadinessCheck({
      id: 'availability.pod-disruption-budget',
      pillar: 'availability',
      title: 'PodDisruptionBudget',
      description:
        'A PodDisruptionBudget selects the pods of every workload and still allows evictions, so node drains keep enough replicas up without hanging.',
      severity: 'major',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Add a PodDisruptionBudget (policy/v1) whose selector matches the pod labels, with maxUnavailable: 1 (or minAvailable below the replica count).',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(['poddisruptionbudgets'], ({ facts }) => {
        const items = facts.workloads.map(w =>
          evidence(
            w.cluster,
            `${w.kind} ${w.namespace}/${w.name}`,
            w.disruptionBudgets.length
              ? w.disruptionBudgets.map(p => ({
                  name: p.name,
                  minAvailable: p.minAvailable ?? null,
                  maxUnavailable: p.maxUnavailable ?? null,
                  disruptionsAllowed: p.disruptionsAllowed ?? null,
                }))
              : 'no PodDisruptionBudget selects its pods',
          ),
        );
        const missing = facts.workloads.filter(
          w => !w.disruptionBudgets.length,
        );
        if (missing.length) {
          return checkResult.fail(
            `No PodDisruptionBudget for ${listSome(
              missing.map(w => describeObject(w.kind, w)),
            )}`,
            items,
          );
        }
        const blocking = facts.workloads.filter(w =>
          w.disruptionBudgets.every(p => blocksEvictions(w, p)),
        );
        if (blocking.length) {
          return checkResult.warn(
            `PodDisruptionBudget allows no eviction for ${listSome(
              blocking.map(
                w => `${workloadName(w)}: ${w.disruptionBudgets[0].name}`,
              ),
            )}: node drains will hang`,
            items,
            'Use maxUnavailable: 1, or a minAvailable below the replica count.',
          );
        }
        return checkResult.pass(
          `Every workload has a PodDisruptionBudget: ${listSome(
            facts.workloads.map(
              w => `${workloadName(w)} → ${w.disruptionBudgets[0].name}`,
            ),
          )}`,
          items,
        );
      }),
    }),
    createReadinessCheck({
      id: 'availability.probes',
      pillar: 'availability',
      title: 'Readiness and liveness probes',
      description:
        'Every container has a readiness probe (traffic only to ready pods) and a liveness probe (hung processes restart).',
      severity: 'critical',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Add readinessProbe and livenessProbe to every container (httpGet on a health endpoint, or tcpSocket/grpc).',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts([], ({ facts }) =>
        evaluateContainers(facts.workloads, {
          problem: c => {
            const missing = [
              !c.readinessProbe && 'readiness',
              !c.livenessProbe && 'liveness',
            ].filter(Boolean);
            return missing.length
              ? `no ${missing.join(' and ')} probe`
              : undefined;
          },
          passSummary: total =>
            `Every container has readiness and liveness probes (${plural(
              total,
              'container',
            )})`,
          failSummary: (bad, total, offenders) =>
            `${bad} of ${total} containers lack probes: ${offenders}`,
        }),
      ),
    }),
    createReadinessCheck({
      id: 'availability.resources',
      pillar: 'availability',
      title: 'Resource requests and limits',
      description:
        'Every container requests CPU and memory (so the scheduler places it on a node that can run it) and has a memory limit (so a leak kills the container, not the node).',
      severity: 'major',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts([], ({ facts }) =>
        evaluateContainers(facts.workloads, {
          init: true,
          problem: c => {
            const missing = [
              !c.resources?.requests?.cpu && 'requests.cpu',
              !c.resources?.requests?.memory && 'requests.memory',
              !c.resources?.limits?.memory && 'limits.memory',
            ].filter(Boolean);
            return missing.length ? `no ${missing.join(', ')}` : undefined;
          },
          passSummary: total =>
            `Every container requests CPU and memory and has a memory limit (${plural(
              total,
              'container',
            )})`,
          failSummary: (bad, total, offenders) =>
            `${bad} of ${total} containers miss requests or limits: ${offenders}`,
        }),
      ),
    }),
    createReadinessCheck({
      id: 'availability.autoscaling',
      pillar: 'availability',
      title: 'HorizontalPodAutoscaler with minReplicas ≥ 2',
      description:
        'Every Deployment is scaled by a HorizontalPodAutoscaler that never goes below two replicas.',
      severity: 'minor',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Add a HorizontalPodAutoscaler (autoscaling/v2) with scaleTargetRef to the Deployment, minReplicas: 2 and a CPU or custom metric target.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(
        ['horizontalpodautoscalers'],
        ({ facts }) => {
          // Rollouts replace Deployments and are autoscaled the same way.
          const deployments = facts.workloads.filter(
            w => w.kind !== 'StatefulSet',
          );
          if (!deployments.length) {
            return checkResult.pass(
              `No Deployment to autoscale: only StatefulSets (${facts.workloads
                .map(workloadName)
                .join(', ')}), which are scaled deliberately`,
            );
          }
          const items = deployments.map(w =>
            evidence(
              w.cluster,
              `Deployment ${w.namespace}/${w.name}`,
              w.autoscalers.length
                ? w.autoscalers.map(a => ({
                    name: a.name,
                    minReplicas: a.minReplicas ?? 1,
                    maxReplicas: a.maxReplicas,
                  }))
                : 'no HorizontalPodAutoscaler',
            ),
          );
          const bad = deployments.filter(
            w => !w.autoscalers.some(a => (a.minReplicas ?? 1) >= 2),
          );
          if (bad.length) {
            return checkResult.fail(
              `${listSome(
                bad.map(w =>
                  w.autoscalers.length
                    ? `${workloadName(w)} has HPA ${
                        w.autoscalers[0].name
                      } with minReplicas ${w.autoscalers[0].minReplicas}`
                    : `${workloadName(w)} has no HorizontalPodAutoscaler`,
                ),
              )}`,
              items,
            );
          }
          return checkResult.pass(
            `Every Deployment has an HPA with minReplicas ≥ 2: ${listSome(
              deployments.map(
                w =>
                  `${workloadName(w)} ${w.autoscalers[0].minReplicas}–${
                    w.autoscalers[0].maxReplicas
                  }`,
              ),
            )}`,
            items,
          );
        },
      ),
    }),
    createReadinessCheck({
      id: 'availability.spread',
      pillar: 'availability',
      title: 'Replicas spread across nodes or zones',
      description:
        'Pods declare podAntiAffinity or topologySpreadConstraints, so replicas do not all land on one node or zone.',
      severity: 'minor',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Add topologySpreadConstraints (topologyKey topology.kubernetes.io/zone or kubernetes.io/hostname) or a preferred podAntiAffinity to the pod template.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts([], ({ facts }) => {
        const spread = (w: WorkloadFact) => {
          const spec = w.template.spec;
          const anti = spec?.affinity?.podAntiAffinity;
          const constraints = (spec?.topologySpreadConstraints ?? []).map(
            c => `topologySpread ${c.topologyKey}`,
          );
          const affinity = [
            ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
              t => `required anti-affinity ${t.topologyKey}`,
            ),
            ...(
              anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []
            ).map(
              t => `preferred anti-affinity ${t.podAffinityTerm?.topologyKey}`,
            ),
          ];
          return [...constraints, ...affinity];
        };
        const items = facts.workloads.map(w =>
          evidence(
            w.cluster,
            `${w.kind} ${w.namespace}/${w.name}`,
            spread(w).join('; ') || 'none',
          ),
        );
        const bad = facts.workloads.filter(w => spread(w).length === 0);
        return bad.length
          ? checkResult.fail(
              `No anti-affinity or topology spread for ${listSome(
                bad.map(w => describeObject(w.kind, w)),
              )}`,
              items,
            )
          : checkResult.pass(
              `Every workload spreads its pods: ${listSome(
                facts.workloads.map(
                  w => `${workloadName(w)} by ${spread(w)[0]}`,
                ),
              )}`,
              items,
            );
      }),
    }),
    createReadinessCheck({
      id: 'availability.rolling-update',
      pillar: 'availability',
      title: 'Rolling updates without losing capacity',
      description:
        'Deployments roll out with strategy RollingUpdate and maxUnavailable 0 (new pods become ready before old ones go), Argo Rollouts blue-green or canary with maxUnavailable 0; StatefulSets use RollingUpdate, not OnDelete.',
      severity: 'minor',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Set spec.strategy: { type: RollingUpdate, rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } on Deployments, updateStrategy.type: RollingUpdate on StatefulSets.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts([], ({ facts }) => {
        const safeTypes =
          // A blue-green Rollout brings the new version up in full before switching.
          (w: WorkloadFact) =>
            w.kind === 'Rollout' ? ['Canary', 'BlueGreen'] : ['RollingUpdate'];
        const problem = (w: WorkloadFact) => {
          if (!safeTypes(w).includes(w.strategy.type)) {
            return `strategy ${w.strategy.type}`;
          }
          if (w.kind !== 'StatefulSet' && w.strategy.type !== 'BlueGreen') {
            return isZero(w.strategy.maxUnavailable)
              ? undefined
              : `maxUnavailable ${w.strategy.maxUnavailable}`;
          }
          return undefined;
        };
        const items = facts.workloads.map(w =>
          evidence(w.cluster, `${w.kind} ${w.namespace}/${w.name}`, {
            type: w.strategy.type,
            maxUnavailable: w.strategy.maxUnavailable ?? null,
            maxSurge: w.strategy.maxSurge ?? null,
          }),
        );
        const bad = facts.workloads.filter(w => problem(w));
        return bad.length
          ? checkResult.fail(
              `Rollouts can lose capacity: ${listSome(
                bad.map(w => `${workloadName(w)}: ${problem(w)}`),
              )}`,
              items,
            )
          : checkResult.pass(
              `Every workload rolls out without losing capacity: ${listSome(
                facts.workloads.map(
                  w =>
                    `${workloadName(w)} ${w.strategy.type}${
                      w.strategy.maxUnavailable !== undefined &&
                      w.kind !== 'StatefulSet'
                        ? ` maxUnavailable ${w.strategy.maxUnavailable}`
                        : ''
                    }`,
                ),
              )}`,
              items,
            );
      }),
    }),
    createDatabaseHighAvailabilityCheck(),
  ];
}
