import { EVIDENCE_OWNER } from '@production-readiness/plugin-production-readiness-common';
import { EvidenceClaim } from '@production-readiness/plugin-production-readiness-node';
import { KubernetesFacts, ObjectRef } from './facts';

/** A claim on one Kubernetes object. */
export function objectClaim(
  kind: string,
  objectKind: string,
  object: ObjectRef,
  how: string,
): EvidenceClaim {
  const where = `${objectKind} ${object.namespace}/${object.name} in cluster ${object.cluster}`;
  return {
    kind,
    id: `${object.cluster}/${object.namespace}/${objectKind}/${object.name}`,
    how,
    namedEntity: object.namedEntity,
    settle: `Annotate ${where} with \`${EVIDENCE_OWNER.kubernetesAnnotation}: <the ref of the entity it belongs to>\`, or narrow the other entity's selector so only one entity selects it.`,
  };
}

/**
 * What the entity claims in the clusters: the workloads, CloudNativePG Clusters, backup and
 * restore-test CronJobs and PrometheusRules its selector matched. Each may count for one
 * entity only; checks read nothing else of the entity's that another entity could select.
 */
export function kubernetesClaims(facts: KubernetesFacts): EvidenceClaim[] {
  const how = facts.namespace
    ? `${facts.selector} in namespace ${facts.namespace}`
    : facts.selector;
  return [
    ...facts.workloads.map(w =>
      objectClaim('kubernetes-workload', w.kind, w, how),
    ),
    ...facts.cnpgClusters.map(c =>
      objectClaim('kubernetes-workload', 'Cluster.postgresql.cnpg.io', c, how),
    ),
    ...facts.cronJobs.map(c =>
      objectClaim('kubernetes-cronjob', 'CronJob', c, how),
    ),
    ...facts.prometheusRules.map(r =>
      objectClaim('kubernetes-prometheus-rule', 'PrometheusRule', r, how),
    ),
  ];
}
