import { Entity } from '@backstage/catalog-model';
import { CollectorContext } from '@production-readiness/plugin-production-readiness-node';
import pLimit from 'p-limit';
import {
  ClusterClient,
  ListOutcome,
  ResourceTypes,
} from '../client/ClusterClient';
import { RESOURCE_KINDS, ResourceKind } from '../client/resources';
import { ClusterConnection } from '../client/ClusterConnection';
import {
  clustersOfEntity,
  ServiceLocatorMethod,
} from '../clusters/serviceLocator';
import { KubernetesModuleSettings } from '../config';
import { ClusterSnapshot } from './buildFacts';
import {
  containerLogRotationOf,
  KUBELET_CONFIG_MAP,
} from './containerLogRotation';

/** One cluster of a refresh: how to read it, or why it cannot be read. */
export type ClusterAccess =
  | { name: string; connection: ClusterConnection }
  | { name: string; unavailable: string };

/** The clusters to read, asked once per refresh (the Kubernetes plugin's may change). */
export interface ClusterSource {
  clusters(context: CollectorContext): Promise<ClusterAccess[]>;
}

/** A source of clusters that never change. */
export function fixedClusters(accesses: ClusterAccess[]): ClusterSource {
  return { clusters: async () => accesses };
}

/**
 * The objects of every cluster, listed once per refresh: one paginated list per cluster and
 * kind, and one read of kubeadm's kubelet ConfigMap, whatever the number of entities, shared by
 * the module's collectors. The collectors of one refresh get the same `now`, so a refresh is
 * known by it; the snapshot of the latest refresh is kept until the next one. A cluster that
 * cannot be read without a user's token is a snapshot whose every kind is `unavailable`.
 */
export class ClusterSnapshots {
  private latest?: { at: number; snapshots: Promise<ClusterSnapshot[]> };
  /** One client per cluster, kept across refreshes for its keep-alive connections. */
  private readonly clients = new Map<string, ClusterClient>();

  private constructor(
    private readonly source: ClusterSource,
    private readonly settings: KubernetesModuleSettings,
    private readonly serviceLocator: ServiceLocatorMethod,
  ) {}

  static create(options: {
    clusters: ClusterSource;
    settings: KubernetesModuleSettings;
    /** How the Kubernetes plugin locates an entity's clusters; default multiTenant (all). */
    serviceLocator?: ServiceLocatorMethod;
  }): ClusterSnapshots {
    return new ClusterSnapshots(
      options.clusters,
      options.settings,
      options.serviceLocator ?? 'multiTenant',
    );
  }

  /**
   * The snapshots of the clusters the entity's workloads are looked for in, as the Kubernetes
   * plugin's service locator decides; or why there are none.
   */
  forEntity(
    entity: Entity,
    snapshots: ClusterSnapshot[],
  ): { ok: true; snapshots: ClusterSnapshot[] } | { ok: false; error: string } {
    const located = clustersOfEntity(
      entity,
      snapshots.map(s => s.cluster),
      this.serviceLocator,
    );
    return located.ok
      ? {
          ok: true,
          snapshots: snapshots.filter(s =>
            located.clusters.includes(s.cluster),
          ),
        }
      : located;
  }

  /** Every cluster's objects as of the refresh `context` belongs to. */
  of(context: CollectorContext): Promise<ClusterSnapshot[]> {
    const at = context.now.getTime();
    if (this.latest?.at !== at) {
      const snapshots = this.source
        .clusters(context)
        .then(accesses =>
          Promise.all(
            accesses.map(access =>
              'connection' in access
                ? this.list(this.clientOf(access.connection), context)
                : this.unavailable(access.name, access.unavailable),
            ),
          ),
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
    for (const client of this.clients.values()) {
      client.close();
    }
    this.clients.clear();
  }

  /** The cluster's client, new when the cluster is new or now reached elsewhere. */
  private clientOf(connection: ClusterConnection): ClusterClient {
    const known = this.clients.get(connection.name);
    if (
      known &&
      known.cluster.url === connection.url &&
      known.cluster.caData === connection.caData &&
      known.cluster.skipTLSVerify === connection.skipTLSVerify
    ) {
      return known;
    }
    known?.close();
    const client = ClusterClient.create(connection, this.settings);
    this.clients.set(connection.name, client);
    return client;
  }

  private unavailable(cluster: string, reason: string): ClusterSnapshot {
    const lists = Object.fromEntries(
      RESOURCE_KINDS.map(kind => [kind, { state: 'unavailable', reason }]),
    ) as { [K in ResourceKind]: ListOutcome<ResourceTypes[K]> };
    return new ClusterSnapshot(cluster, lists, this.settings.logShipperImages, {
      cluster,
      state: 'unknown',
      reason,
    });
  }

  private async list(
    client: ClusterClient,
    context: CollectorContext,
  ): Promise<ClusterSnapshot> {
    const limit = pLimit(this.settings.concurrency);
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
      this.settings.logShipperImages,
      containerLogRotationOf(
        client.cluster.name,
        kubeletConfig,
        this.settings.kubeletLogRotation,
      ),
    );
  }
}
