/*
 * CloudNativePG as high-availability evidence: databases a production service depends on,
 * run as CloudNativePG Clusters and found by their Kubernetes annotations, are judged by the
 * database-ha module's availability.data-store-ha from what the operator reports (the
 * Kubernetes module provides the facts from the same listing its own checks read). The
 * Kubernetes API is the suite's stand-in: no Kubernetes may run here; the Cluster objects are
 * as `kubectl get clusters.postgresql.cnpg.io -o json` prints them.
 */
import { Entity } from '@backstage/catalog-model';
import {
  createSelfSignedCertificate,
  FakeKubeApiServer,
  KubeObject,
  startFakeKubeApiServer,
} from '@internal/test-servers';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import databaseHaModule from '@production-readiness/plugin-production-readiness-backend-module-database-ha';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import kubernetesModule from '@production-readiness/plugin-production-readiness-backend-module-kubernetes';
import { CheckResult } from '@production-readiness/plugin-production-readiness-common';
import { kubernetesRootConfig } from './__testUtils__/kubernetesConfig';

jest.setTimeout(120_000);

const TOKEN = 'cnpg-reader-token';

function cnpgCluster(
  name: string,
  status: {
    phase: string;
    readyInstances: number;
    currentPrimary?: string;
  },
  instances = 2,
): KubeObject {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      resourceVersion: '1',
      labels: { 'app.kubernetes.io/name': name },
      creationTimestamp: '2026-11-01T08:00:00Z',
    },
    spec: {
      instances,
      inheritedMetadata: { labels: { 'app.kubernetes.io/name': name } },
      storage: { size: '20Gi' },
    },
    status: {
      instances,
      instanceNames: Array.from(
        { length: instances },
        (_, i) => `${name}-${i + 1}`,
      ),
      ...status,
    },
  };
}

function database(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-label-selector': `app.kubernetes.io/name=${name}`,
        'backstage.io/kubernetes-namespace': 'shop',
      },
    },
    spec: { type: 'database', owner: 'group:default/team-ledger' },
    relations: [
      { type: 'dependencyOf', targetRef: 'component:default/ledger-api' },
    ],
  };
}

const LEDGER_API: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ledger-api', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team-ledger',
    dependsOn: ['resource:default/ledger-db', 'resource:default/audit-db'],
  },
};

describe('availability.data-store-ha from CloudNativePG', () => {
  let cluster: FakeKubeApiServer;
  let backend: ReadinessTestBackend;

  const haOf = async (name: string): Promise<CheckResult | undefined> =>
    (await backend.refresh(`resource:default/${name}`)).results.find(
      r => r.checkId === 'availability.data-store-ha',
    );

  beforeAll(async () => {
    const tls = createSelfSignedCertificate();
    cluster = await startFakeKubeApiServer({
      token: TOKEN,
      tls,
      objects: [
        cnpgCluster('ledger-db', {
          phase: 'Cluster in healthy state',
          readyInstances: 2,
          currentPrimary: 'ledger-db-1',
        }),
        cnpgCluster('audit-db', {
          phase: 'Failing over',
          readyInstances: 1,
        }),
      ],
    });
    backend = await startReadinessTestBackend({
      features: [kubernetesBackend, kubernetesModule, databaseHaModule],
      entities: [database('ledger-db'), database('audit-db'), LEDGER_API],
      rootConfig: kubernetesRootConfig({
        url: cluster.baseUrl,
        token: TOKEN,
        caCert: tls.cert,
      }),
      config: { refresh: { minInterval: { milliseconds: 1 } } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
  });

  it('passes a database whose CloudNativePG Cluster has its instances ready and a primary', async () => {
    await expect(haOf('ledger-db')).resolves.toMatchObject({
      status: 'pass',
      summary:
        'CloudNativePG Cluster shop/ledger-db on cluster prod: primary ledger-db-1, 2 of 2 instances ready; 2 needed (a leader and a replica)',
    });
  });

  it('fails one whose operator reports it failing over with one instance ready', async () => {
    await expect(haOf('audit-db')).resolves.toMatchObject({
      status: 'fail',
      summary:
        'CloudNativePG Cluster shop/audit-db on cluster prod has 1 of the 2 instances needed (a leader and a replica) ready; CloudNativePG Cluster shop/audit-db on cluster prod names no current primary; CloudNativePG Cluster shop/audit-db on cluster prod is not healthy: phase "Failing over"',
    });
  });
});
