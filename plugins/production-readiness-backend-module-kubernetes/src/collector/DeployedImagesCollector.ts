import { Entity } from '@backstage/catalog-model';
import {
  CollectedFacts,
  CollectorContext,
  DEPLOYED_IMAGES_COLLECTOR_ID,
  DeployedImagesFacts,
  FactCollector,
} from '@production-readiness/plugin-production-readiness-node';
import { ResourceKind } from '../client/resources';
import { unreadable } from './facts';
import {
  hasKubernetesAnnotations,
  KubernetesCollector,
} from './KubernetesCollector';

/** The kinds whose listing decides which workloads an entity has. */
const WORKLOAD_KINDS: ResourceKind[] = [
  'deployments',
  'statefulsets',
  'argorollouts',
];

/**
 * Provides `deployed-images` (see `-node`): per entity, the image of every container (init
 * containers included) of the workloads the Kubernetes collector binds to it. It reads the
 * Kubernetes collector's facts of the same refresh (the listing is shared and each entity's
 * facts are built once per listing), so it costs no upstream call and binds workloads exactly
 * as the Kubernetes checks do, with the
 * same claims (a contested workload fails the checks reading its images). A workload
 * listing that failed where the entity could run is an error, never "no images".
 */
export class DeployedImagesCollector
  implements FactCollector<DeployedImagesFacts>
{
  readonly id = DEPLOYED_IMAGES_COLLECTOR_ID;
  readonly title = 'Kubernetes workload images';

  constructor(private readonly kubernetes: KubernetesCollector) {}

  appliesTo(entity: Entity): boolean {
    return hasKubernetesAnnotations(entity);
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<DeployedImagesFacts>> {
    const collected = await this.kubernetes.collect(entities, context);
    const facts = new Map<string, DeployedImagesFacts>();
    const errors = new Map<string, string>();
    for (const [entityRef, k8s] of collected.facts) {
      if (k8s.annotationError) {
        errors.set(entityRef, k8s.annotationError);
        continue;
      }
      const failed = k8s.clusters.flatMap(cluster =>
        WORKLOAD_KINDS.flatMap(kind => {
          const reason = unreadable(k8s.sources[cluster]?.[kind]);
          return reason ? [reason] : [];
        }),
      );
      if (failed.length) {
        errors.set(entityRef, failed.join('; '));
        continue;
      }
      facts.set(entityRef, {
        containers: k8s.workloads.flatMap(w =>
          [
            ...(w.template.spec?.initContainers ?? []),
            ...(w.template.spec?.containers ?? []),
          ].map(c => ({
            workload: `${w.kind} ${w.namespace}/${w.name} on cluster ${w.cluster}`,
            container: c.name,
            image: c.image ?? '',
            source: `kubernetes:${w.cluster}`,
          })),
        ),
      });
    }
    // The same evidence as the kubernetes collector's: a workload another entity holds lends
    // its images to no one.
    return { facts, errors, claims: collected.claims };
  }
}
