import { Entity, RELATION_DEPENDS_ON } from '@backstage/catalog-model';

/**
 * How the Kubernetes plugin decides which clusters an entity's workloads are looked for in
 * (`kubernetes.serviceLocatorMethod.type`); the module follows it, so that it judges what the
 * entity's Kubernetes tab shows.
 */
export type ServiceLocatorMethod =
  | 'multiTenant'
  | 'singleTenant'
  | 'catalogRelation';

/** The cluster an entity names under `singleTenant`. */
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/** The method as configured; anything else (`http`, unset) looks in every cluster. */
export function serviceLocatorMethodOf(
  type: string | undefined,
): ServiceLocatorMethod {
  return type === 'singleTenant' || type === 'catalogRelation'
    ? type
    : 'multiTenant';
}

/**
 * The clusters, of `clusters`, where the Kubernetes plugin looks for the entity's workloads, as
 * its service locators decide; or why there are none, with what to declare.
 */
export function clustersOfEntity(
  entity: Entity,
  clusters: string[],
  method: ServiceLocatorMethod,
): { ok: true; clusters: string[] } | { ok: false; error: string } {
  if (method === 'singleTenant') {
    const named = entity.metadata.annotations?.[KUBERNETES_CLUSTER_ANNOTATION];
    if (!named) return { ok: true, clusters };
    return clusters.includes(named)
      ? { ok: true, clusters: [named] }
      : {
          ok: false,
          error: `annotation ${KUBERNETES_CLUSTER_ANNOTATION} names cluster "${named.slice(
            0,
            80,
          )}", which the Kubernetes plugin does not know (it knows ${
            clusters.join(', ') || 'none'
          })`,
        };
  }
  if (method === 'catalogRelation') {
    const namespace = entity.metadata.namespace ?? 'default';
    const dependsOn = new Set(
      (entity.relations ?? [])
        .filter(r => r.type === RELATION_DEPENDS_ON)
        .map(r => r.targetRef),
    );
    const found = clusters.filter(c =>
      dependsOn.has(`resource:${namespace}/${c}`),
    );
    return found.length
      ? { ok: true, clusters: found }
      : {
          ok: false,
          error: `the Kubernetes plugin locates workloads by catalog relation (serviceLocatorMethod catalogRelation), and the entity dependsOn none of its clusters (${
            clusters.join(', ') || 'none'
          }): add the cluster's Resource to spec.dependsOn`,
        };
  }
  return { ok: true, clusters };
}
