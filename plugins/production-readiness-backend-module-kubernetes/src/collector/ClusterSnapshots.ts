import { CollectorContext } from '@production-readiness/plugin-production-readiness-node';
import pLimit from 'p-limit';
import {
  ClusterClient,
  ListOutcome,
  ResourceTypes,
} from '../client/ClusterClient';
import { RESOURCE_KINDS, ResourceKind } from '../client/resources';
import { ClusterDefinition, KubernetesModuleSettings } from '../config';
import { ClusterSnapshot } from './buildFacts';
import {
  containerLogRotationOf,
  DeclaredLogRotation,
  KUBELET_CONFIG_MAP,
} from './containerLogRotation';

/**
 * The objects of every configured cluster, listed once per refresh: one paginated list per
 * cluster and kind, and one read of kubeadm's kubelet ConfigMap, whatever the number of entities, shared by the module's collectors. The
 * collectors of one refresh get the same `now`, so a refresh is known by it; the snapshot of
 * the latest refresh is kept until the next one.
 */
export class ClusterSnapshots {
  private latest?: { at: number; snapshots: Promise<ClusterSnapshot[]> };

  private constructor(
    private readonly clients: ClusterClient[],
    private readonly concurrency: number,
    private readonly logShipperImages: string[],
    private readonly kubeletLogRotation: DeclaredLogRotation | undefined,
  ) {}

  static create(options: {
    clusters: ClusterDefinition[];
    settings: KubernetesModuleSettings;
  }): ClusterSnapshots {
    const { clusters, settings } = options;
    return new ClusterSnapshots(
      clusters.map(cluster => ClusterClient.create(cluster, settings)),
      settings.concurrency,
      settings.logShipperImages,
      settings.kubeletLogRotation,
    );
  }

  /** Every cluster's objects as of the refresh `context` belongs to. */
  of(context: CollectorContext): Promise<ClusterSnapshot[]> {
    const at = context.now.getTime();
    if (this.latest?.at !== at) {
      const snapshots = Promise.all(
        this.clients.map(client => this.list(client, context)),
      );
      this.latest = { at, snapshots };
      // A failed listing is not kept for another collector of a later refresh to reuse.
      snapshots.catch(() => {
        if (this.latest?.snapshots === snapshots) this.latest = undefined;
      });
    }
    return this.latest.snapshots;
  }

  /** Closes the keep-alive connections to every cluster (at backend shutdown). */
  close(): void {
    this.latest = undefined;
    for (const client of this.clients) {
      client.close();
    }
  }

  private async list(
    client: ClusterClient,
    context: CollectorContext,
  ): Promise<ClusterSnapshot> {
    const limit = pLimit(this.concurrency);
    const [outcomes, kubeletConfig] = await Promise.all([
      Promise.all(
        RESOURCE_KINDS.map(kind =>
          limit(() => client.list(kind, context.signal)),
        ),
      ),
      limit(() =>
        client.readConfigMap(
          KUBELET_CONFIG_MAP.namespace,
          KUBELET_CONFIG_MAP.name,
          context.signal,
        ),
      ),
    ]);
    const lists = Object.fromEntries(
      RESOURCE_KINDS.map((kind, i) => [kind, outcomes[i]]),
    ) as { [K in ResourceKind]: ListOutcome<ResourceTypes[K]> };
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.state === 'error') {
        context.logger.warn(
          `Listing ${RESOURCE_KINDS[i]} from cluster ${client.cluster.name} failed: ${outcome.reason}`,
        );
      }
    }
    return new ClusterSnapshot(
      client.cluster.name,
      lists,
      this.logShipperImages,
      containerLogRotationOf(
        client.cluster.name,
        kubeletConfig,
        this.kubeletLogRotation,
      ),
    );
  }
}
