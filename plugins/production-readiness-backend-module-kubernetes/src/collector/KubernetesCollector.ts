import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import {
  CollectedFacts,
  CollectorContext,
  EvidenceClaim,
  FactCollector,
} from '@production-readiness/plugin-production-readiness-node';
import { kubernetesClaims } from './claims';
import { buildEntityFacts, ClusterSnapshot, EntityTarget } from './buildFacts';
import { ClusterSnapshots } from './ClusterSnapshots';
import { ARGOCD_APP_NAME_ANNOTATION, parseArgoAppNames } from './gitops';
import {
  emptyKubernetesFacts,
  KUBERNETES_COLLECTOR_ID,
  KubernetesFacts,
} from './facts';
import {
  formatLabelSelector,
  isLabelValue,
  isNamespaceName,
  parseLabelSelector,
} from './labelSelector';

function annotation(entity: Entity, key: string): string | undefined {
  const value = entity.metadata.annotations?.[key]?.trim();
  return value ? value : undefined;
}

/** Whether the entity declares Kubernetes workloads the way the Kubernetes plugin reads them. */
export function hasKubernetesAnnotations(entity: Entity): boolean {
  return (
    annotation(entity, ANNOTATIONS.kubernetesId) !== undefined ||
    annotation(entity, ANNOTATIONS.kubernetesLabelSelector) !== undefined
  );
}

/**
 * Resolves the entity's workloads the way the Kubernetes plugin does: the label-selector
 * annotation wins over `backstage.io/kubernetes-id`; the namespace annotation restricts.
 * Annotation text is parsed and validated; it is only ever matched in memory.
 */
export function resolveEntityTarget(
  entity: Entity,
):
  | { ok: true; target: EntityTarget; text: string }
  | { ok: false; error: string } {
  const namespace = annotation(entity, ANNOTATIONS.kubernetesNamespace);
  if (namespace !== undefined && !isNamespaceName(namespace)) {
    return {
      ok: false,
      error: `annotation ${ANNOTATIONS.kubernetesNamespace} "${namespace.slice(
        0,
        80,
      )}" is not a namespace name (lowercase letters, digits and dashes, at most 63)`,
    };
  }
  const selectorText = annotation(entity, ANNOTATIONS.kubernetesLabelSelector);
  if (selectorText !== undefined) {
    const parsed = parseLabelSelector(selectorText);
    if (!parsed.ok) {
      return {
        ok: false,
        error: `annotation ${ANNOTATIONS.kubernetesLabelSelector} is not a valid label selector: ${parsed.error}`,
      };
    }
    return {
      ok: true,
      target: { selector: parsed.selector, namespace },
      text: formatLabelSelector(parsed.selector),
    };
  }
  const id = annotation(entity, ANNOTATIONS.kubernetesId) ?? '';
  if (!isLabelValue(id)) {
    return {
      ok: false,
      error: `annotation ${ANNOTATIONS.kubernetesId} "${id.slice(
        0,
        80,
      )}" is not a valid label value (at most 63 letters, digits, "-", "_", ".")`,
    };
  }
  const selector = {
    requirements: [
      { key: ANNOTATIONS.kubernetesId, operator: 'In' as const, values: [id] },
    ],
  };
  return {
    ok: true,
    target: { selector, namespace },
    text: formatLabelSelector(selector),
  };
}

/**
 * The batch collector: per refresh, one paginated list per cluster and kind, whatever the
 * number of entities; then every entity is matched in memory.
 */
export class KubernetesCollector implements FactCollector<KubernetesFacts> {
  readonly id = KUBERNETES_COLLECTOR_ID;
  readonly title = 'Kubernetes';

  /**
   * Each entity's facts and claims, per listing: the collectors that read this one's facts
   * (deployed-images) in the same refresh get them without binding the workloads again.
   */
  private readonly built = new WeakMap<
    ClusterSnapshot[],
    Map<string, { facts: KubernetesFacts; claims: EvidenceClaim[] }>
  >();

  constructor(private readonly clusters: ClusterSnapshots) {}

  appliesTo(entity: Entity): boolean {
    return hasKubernetesAnnotations(entity);
  }

  missingDeclaration(): { summary: string; remediation: string } {
    return {
      summary: `No workload found: the entity declares neither ${ANNOTATIONS.kubernetesId} nor ${ANNOTATIONS.kubernetesLabelSelector}, so the Kubernetes checks cannot find it`,
      remediation: `In catalog-info.yaml add \`${ANNOTATIONS.kubernetesId}: <value of the backstage.io/kubernetes-id label on its Deployment or StatefulSet and pod template>\` (or ${ANNOTATIONS.kubernetesLabelSelector}, and ${ANNOTATIONS.kubernetesNamespace} when it runs in one namespace). If it does not run on Kubernetes, declare \`${ANNOTATIONS.runtime}: vm\` (or managed, serverless).`,
    };
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<KubernetesFacts>> {
    const facts = new Map<string, KubernetesFacts>();
    const claims = new Map<string, EvidenceClaim[]>();
    const targets = entities.map(entity => ({
      entity,
      resolved: resolveEntityTarget(entity),
    }));
    const snapshots = targets.some(t => t.resolved.ok)
      ? await this.clusters.of(context)
      : [];
    const built = this.built.get(snapshots) ?? new Map();
    this.built.set(snapshots, built);
    for (const { entity, resolved } of targets) {
      const entityRef = stringifyEntityRef(entity);
      if (!resolved.ok) {
        facts.set(entityRef, {
          ...emptyKubernetesFacts(
            '',
            snapshots.map(s => s.cluster),
          ),
          annotationError: resolved.error,
        });
        continue;
      }
      const located = this.clusters.forEntity(entity, snapshots);
      if (!located.ok) {
        facts.set(entityRef, {
          ...emptyKubernetesFacts(resolved.text, []),
          annotationError: located.error,
        });
        continue;
      }
      let entry = built.get(entityRef);
      if (!entry) {
        const argoApps = parseArgoAppNames(
          annotation(entity, ARGOCD_APP_NAME_ANNOTATION),
        );
        const entityFacts = buildEntityFacts(
          { ...resolved.target, argoApps: argoApps.ok ? argoApps.names : [] },
          resolved.text,
          located.snapshots,
        );
        if (!argoApps.ok) entityFacts.gitOpsAnnotationError = argoApps.error;
        entry = { facts: entityFacts, claims: kubernetesClaims(entityFacts) };
        built.set(entityRef, entry);
      }
      facts.set(entityRef, entry.facts);
      claims.set(entityRef, entry.claims);
    }
    return { facts, claims };
  }
}
