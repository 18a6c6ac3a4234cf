import { describeSummary } from '@production-readiness/plugin-production-readiness-common';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { CollectedFacts } from '@production-readiness/plugin-production-readiness-node';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { createKubernetesChecks } from '../checks/createKubernetesChecks';
import { ClusterSnapshots, fixedClusters } from '../collector/ClusterSnapshots';
import { ClusterConnection } from '../client/ClusterConnection';
import { KubernetesCollector } from '../collector/KubernetesCollector';
import { KubernetesFacts } from '../collector/facts';
import {
  DEFAULT_DEPLOY_MANAGERS,
  DEFAULT_LOG_SHIPPER_IMAGES,
  DEFAULT_MANUAL_MANAGERS,
  KubernetesModuleSettings,
} from '../config';
import {
  createSelfSignedCertificate,
  FakeKubeApiServer,
  KubeObject,
  startFakeKubeApiServer,
} from '@internal/test-servers';
import { NOW, prodEuObjects, prodUsObjects } from './fixtures';

export const TOKENS = {
  'prod-eu': 'eu-token-4f1c',
  'prod-us': 'us-token-9b2e',
};

export const TEST_SETTINGS: KubernetesModuleSettings = {
  pageSize: 500,
  requestTimeoutMs: 2_000,
  maxResponseBytes: 8 * 1024 * 1024,
  concurrency: 4,
  restoreTestMaxAgeMs: 30 * 24 * 3600_000,
  certificateMinValidityMs: 14 * 24 * 3600_000,
  logShipperImages: DEFAULT_LOG_SHIPPER_IMAGES,
  containerLogMaxBytes: 1024 ** 3,
  deployManagers: DEFAULT_DEPLOY_MANAGERS,
  manualManagers: DEFAULT_MANUAL_MANAGERS,
  requireAutomatedSync: false,
  clusterTokens: new Map(),
};

/** A cluster the tests read directly with a service account token, as a config cluster is. */
export interface TestCluster {
  name: string;
  url: string;
  serviceAccountToken: string;
  caData?: string;
  skipTLSVerify: boolean;
}

/**
 * A direct connection to a test cluster's API server with its token: the module's checks and
 * collectors are tested on it; the module itself reaches clusters through the Kubernetes
 * plugin's proxy (module.test.ts, clusters/KubernetesPluginClusters.test.ts).
 */
export function directConnection(cluster: TestCluster): ClusterConnection {
  return {
    name: cluster.name,
    url: cluster.url,
    caData: cluster.caData,
    skipTLSVerify: cluster.skipTLSVerify,
    headers: async () => ({
      authorization: `Bearer ${cluster.serviceAccountToken}`,
    }),
    credentials: {
      what: 'the service account token',
      remedy: `renew the serviceAccountToken of cluster "${cluster.name}"`,
      identity: 'the service account',
    },
  };
}

/** The snapshots of `clusters`, read directly. */
export function snapshotsOf(
  clusters: TestCluster[],
  settings: Partial<KubernetesModuleSettings> = {},
): ClusterSnapshots {
  return ClusterSnapshots.create({
    clusters: fixedClusters(
      clusters.map(cluster => ({
        name: cluster.name,
        connection: directConnection(cluster),
      })),
    ),
    settings: { ...TEST_SETTINGS, ...settings },
  });
}

/** Two clusters: prod-eu over HTTPS verified with caData, prod-us over plain HTTP (skipTLSVerify). */
export interface TestClusters {
  eu: FakeKubeApiServer;
  us: FakeKubeApiServer;
  definitions: TestCluster[];
  /** The clusters as app-config declares them. */
  config: Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startTestClusters(): Promise<TestClusters> {
  const tls = createSelfSignedCertificate();
  const eu = await startFakeKubeApiServer({
    objects: prodEuObjects(),
    token: TOKENS['prod-eu'],
    tls,
  });
  const us = await startFakeKubeApiServer({
    objects: prodUsObjects(),
    token: TOKENS['prod-us'],
    notInstalled: ['velero.io', 'postgresql.cnpg.io'],
  });
  const definitions: TestCluster[] = [
    {
      name: 'prod-eu',
      url: eu.baseUrl,
      serviceAccountToken: TOKENS['prod-eu'],
      caData: Buffer.from(tls.cert).toString('base64'),
      skipTLSVerify: false,
    },
    {
      name: 'prod-us',
      url: us.baseUrl,
      serviceAccountToken: TOKENS['prod-us'],
      skipTLSVerify: true,
    },
  ];
  return {
    eu,
    us,
    definitions,
    config: {
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: definitions.map(d => ({
              name: d.name,
              url: d.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: d.serviceAccountToken,
              ...(d.caData ? { caData: d.caData } : {}),
              skipTLSVerify: d.skipTLSVerify,
            })),
          },
        ],
      },
    },
    async stop() {
      await Promise.all([eu.stop(), us.stop()]);
    },
  };
}

/**
 * The two clusters for one test file: started before its tests, stopped after them, their
 * request logs, faults and refusals cleared before each test.
 */
export function useTestClusters(): TestClusters {
  const clusters = {} as TestClusters;
  beforeAll(async () => {
    Object.assign(clusters, await startTestClusters());
  });
  afterAll(async () => {
    await clusters.stop?.();
  });
  beforeEach(() => {
    for (const server of [clusters.eu, clusters.us]) {
      server.requests.length = 0;
      server.faults.clear();
      server.forbidden.clear();
    }
    clusters.eu.notInstalled.clear();
  });
  return clusters;
}

/** Runs the real collector against the clusters, as the engine would. */
export async function collect(
  definitions: TestCluster[],
  entities: Entity[],
  options: {
    settings?: Partial<KubernetesModuleSettings>;
    signal?: AbortSignal;
  } = {},
): Promise<CollectedFacts<KubernetesFacts>> {
  const snapshots = snapshotsOf(definitions, options.settings);
  try {
    return await new KubernetesCollector(snapshots).collect(entities, {
      logger: mockServices.logger.mock(),
      signal: options.signal ?? new AbortController().signal,
      now: NOW,
    });
  } finally {
    snapshots.close();
  }
}

const checks = createKubernetesChecks(TEST_SETTINGS);

/**
 * Evaluates one check of the module on collected facts, the way the engine does, with the
 * summary as the tab shows it at NOW ("last succeeded 8h ago"; stored with the time).
 */
export async function verdict(
  checkId: string,
  entity: Entity,
  collected: CollectedFacts<KubernetesFacts>,
) {
  const check = checks.find(c => c.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  const evaluation = await runCheckOnFixtures(check, {
    entity,
    facts: { kubernetes: collected.facts.get(stringifyEntityRef(entity)) },
    now: NOW,
  });
  return {
    ...evaluation,
    summary: describeSummary(evaluation.summary, NOW),
  };
}

export const CHECK_IDS = checks.map(c => c.id);

/** Changes to the objects each test cluster serves. */
export interface ObjectChanges {
  eu?: (objects: KubeObject[]) => KubeObject[];
  us?: (objects: KubeObject[]) => KubeObject[];
}

/** Runs `fn` while the clusters serve their objects changed by `changes`, then restores them. */
export async function withObjects<T>(
  clusters: TestClusters,
  changes: ObjectChanges,
  fn: () => Promise<T>,
): Promise<T> {
  const original = { eu: clusters.eu.objects, us: clusters.us.objects };
  clusters.eu.objects = changes.eu?.(original.eu) ?? original.eu;
  clusters.us.objects = changes.us?.(original.us) ?? original.us;
  try {
    return await fn();
  } finally {
    clusters.eu.objects = original.eu;
    clusters.us.objects = original.us;
  }
}

/** `objects` with those `matches` finds replaced by `by`. */
export const replaceObjects =
  (matches: (o: KubeObject) => boolean, ...by: KubeObject[]) =>
  (objects: KubeObject[]) =>
    [...objects.filter(o => !matches(o)), ...by];

/** `objects` with checkout-api's Deployment changed by `change`. */
export const changeCheckoutApi =
  (change: (deployment: KubeObject) => KubeObject) => (objects: KubeObject[]) =>
    objects.map(o =>
      o.kind === 'Deployment' && o.metadata.name === 'checkout-api'
        ? change(o)
        : o,
    );

/** The verdict of `checkId` for `entity` while the clusters serve their objects changed. */
export const verdictWithObjects = (
  clusters: TestClusters,
  checkId: string,
  changes: ObjectChanges,
  entity: Entity,
) =>
  withObjects(clusters, changes, async () =>
    verdict(checkId, entity, await collect(clusters.definitions, [entity])),
  );
