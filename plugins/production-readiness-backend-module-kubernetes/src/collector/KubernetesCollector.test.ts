import * as http from 'node:http';
import * as https from 'node:https';
import { Socket } from 'node:net';
import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import {
  collect,
  snapshotsOf,
  TEST_SETTINGS,
  verdict,
  useTestClusters,
} from '../__testUtils__/clusters';
import { createSelfSignedCertificate } from '@internal/test-servers';
import { ENTITIES, NOW } from '../__testUtils__/fixtures';
import { KubernetesCollector } from './KubernetesCollector';

jest.setTimeout(60_000);

const clusters = useTestClusters();

function service(i: number): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': `svc-${i}` },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

const requestCounts = () => ({
  'prod-eu': clusters.eu.requests.length,
  'prod-us': clusters.us.requests.length,
});

describe('batch collection', () => {
  it('makes the same list calls for 1 and for 500 entities', async () => {
    await collect(clusters.definitions, [service(0)]);
    const one = requestCounts();
    clusters.eu.requests.length = 0;
    clusters.us.requests.length = 0;
    const fleet = Array.from({ length: 500 }, (_, i) => service(i));
    const collected = await collect(clusters.definitions, fleet);
    const many = requestCounts();

    // prod-eu: 24 kinds, deployments in 3 pages of 500 (1,202 objects); prod-us: 24 kinds
    // (CloudNativePG's answers 404 there, still one call); each: kubeadm's kubelet ConfigMap.
    expect(one).toEqual({ 'prod-eu': 27, 'prod-us': 25 });
    expect(many).toEqual(one);
    expect(collected.facts.size).toBe(500);
    expect(
      collected.facts.get('component:default/svc-499')!.workloads,
    ).toMatchObject([
      {
        cluster: 'prod-eu',
        namespace: 'team-19',
        name: 'svc-499',
        kind: 'Deployment',
        replicas: 2,
      },
    ]);
  });

  it('follows continue tokens with the configured page size and never sends a selector', async () => {
    const collected = await collect(clusters.definitions, [service(1150)]);
    const pages = clusters.eu.requests.filter(
      r => r.path === '/apis/apps/v1/deployments',
    );
    expect(pages.map(p => p.query.limit)).toEqual(['500', '500', '500']);
    expect(pages[0].query.continue).toBeUndefined();
    expect(pages[1].query.continue).toEqual(expect.any(String));
    expect(pages[2].query.continue).not.toEqual(pages[1].query.continue);
    // svc-1150 sorts onto the last page.
    expect(
      collected.facts.get('component:default/svc-1150')!.workloads,
    ).toHaveLength(1);
    const all = [...clusters.eu.requests, ...clusters.us.requests];
    expect(all.every(r => r.method === 'GET')).toBe(true);
    expect(
      all
        .flatMap(r => Object.keys(r.query))
        .filter(k => k !== 'limit' && k !== 'continue'),
    ).toEqual([]);
  });

  it('lists every kind across all namespaces, CRDs through their API groups', async () => {
    await collect(clusters.definitions, [ENTITIES.checkoutApi]);
    expect(new Set(clusters.us.requests.map(r => r.path))).toEqual(
      new Set([
        '/apis/apps/v1/deployments',
        '/apis/apps/v1/statefulsets',
        '/apis/apps/v1/daemonsets',
        '/api/v1/pods',
        '/api/v1/namespaces/kube-system/configmaps/kubelet-config',
        '/apis/policy/v1/poddisruptionbudgets',
        '/apis/autoscaling/v2/horizontalpodautoscalers',
        '/apis/networking.k8s.io/v1/networkpolicies',
        '/apis/networking.k8s.io/v1/ingresses',
        '/api/v1/services',
        '/api/v1/persistentvolumeclaims',
        '/apis/batch/v1/cronjobs',
        '/apis/batch/v1/jobs',
        '/apis/monitoring.coreos.com/v1/servicemonitors',
        '/apis/monitoring.coreos.com/v1/podmonitors',
        '/apis/monitoring.coreos.com/v1/prometheusrules',
        '/apis/velero.io/v1/schedules',
        '/apis/velero.io/v1/backups',
        '/apis/velero.io/v1/restores',
        '/apis/cert-manager.io/v1/certificates',
        '/apis/postgresql.cnpg.io/v1/clusters',
        '/apis/argoproj.io/v1alpha1/applications',
        '/apis/argoproj.io/v1alpha1/rollouts',
        '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations',
        '/apis/helm.toolkit.fluxcd.io/v2/helmreleases',
      ]),
    );
  });
});

describe('connections', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reuses keep-alive connections per cluster across pages, kinds and refreshes, and closes them', async () => {
    // Every new connection, TLS (prod-eu) or plain (prod-us), as the agents open them.
    const tls = jest.spyOn(https.Agent.prototype, 'createConnection');
    const plain = jest.spyOn(http.Agent.prototype, 'createConnection');
    const opened = (spy: jest.SpyInstance) =>
      spy.mock.results.map(r => r.value as Socket);
    const snapshots = snapshotsOf(clusters.definitions);
    const collector = new KubernetesCollector(snapshots);
    const refresh = (now: Date) =>
      collector.collect([ENTITIES.checkoutApi], {
        logger: mockServices.logger.mock(),
        signal: new AbortController().signal,
        now,
      });
    try {
      await refresh(NOW);
      await refresh(new Date(NOW.getTime() + 60_000));
      // 2 x 27 requests to prod-eu and 2 x 25 to prod-us, at most 4 in flight per cluster.
      expect(requestCounts()).toEqual({ 'prod-eu': 54, 'prod-us': 50 });
      for (const spy of [tls, plain]) {
        expect(opened(spy).length).toBeGreaterThanOrEqual(1);
        expect(opened(spy).length).toBeLessThanOrEqual(
          TEST_SETTINGS.concurrency,
        );
      }
      // Idle connections stay open for the next refresh...
      expect(
        [...opened(tls), ...opened(plain)].some(socket => !socket.destroyed),
      ).toBe(true);
    } finally {
      snapshots.close();
    }
    // ...until the collector is closed at shutdown.
    expect(
      [...opened(tls), ...opened(plain)].every(socket => socket.destroyed),
    ).toBe(true);
  });

  it('does not reuse a connection whose answer was cut short', async () => {
    const plain = jest.spyOn(http.Agent.prototype, 'createConnection');
    clusters.us.faults.set('/api/v1/services', { bodyBytes: 3 * 1024 * 1024 });
    const collected = await collect(
      clusters.definitions,
      [ENTITIES.checkoutApi],
      {
        settings: { maxResponseBytes: 1024 * 1024, concurrency: 1 },
      },
    );
    await expect(
      verdict('monitoring.scrape-config', ENTITIES.checkoutApi, collected),
    ).resolves.toMatchObject({
      status: 'error',
      summary:
        'cluster "prod-us": listing services failed: response body is larger than 1048576 bytes',
    });
    // One request at a time: the first connection served every list up to the oversized
    // answer, which destroyed it; the lists after it needed exactly one new connection.
    expect(plain).toHaveBeenCalledTimes(2);
    await expect(
      verdict('availability.replicas', ENTITIES.checkoutApi, collected),
    ).resolves.toMatchObject({ status: 'pass' });
  });
});

describe('annotations are data', () => {
  it.each([
    [
      'backstage.io/kubernetes-id',
      'x&labelSelector=app',
      'annotation backstage.io/kubernetes-id "x&labelSelector=app" is not a valid label value (at most 63 letters, digits, "-", "_", ".")',
    ],
    [
      'backstage.io/kubernetes-label-selector',
      'app=a) || (1=1',
      'annotation backstage.io/kubernetes-label-selector is not a valid label selector: unbalanced parentheses',
    ],
    [
      'backstage.io/kubernetes-label-selector',
      'app!=x',
      'annotation backstage.io/kubernetes-label-selector is not a valid label selector: the selector has only negative requirements (!=, notin, !key), which select nearly every object',
    ],
    [
      'backstage.io/kubernetes-label-selector',
      'app=x/../../api',
      'annotation backstage.io/kubernetes-label-selector is not a valid label selector: "x/../../api" is not a valid label value',
    ],
  ])(
    'refuses %s=%p without asking a cluster about it',
    async (key, value, message) => {
      const entity: Entity = {
        ...ENTITIES.ghost,
        metadata: {
          name: 'evil',
          namespace: 'default',
          annotations: { [key]: value },
        },
      };
      const collected = await collect(clusters.definitions, [entity]);
      await expect(
        verdict('availability.replicas', entity, collected),
      ).resolves.toMatchObject({ status: 'unknown', summary: message });
      expect([...clusters.eu.requests, ...clusters.us.requests]).toEqual([]);
    },
  );

  it('refuses a namespace annotation that is not a namespace name', async () => {
    const entity: Entity = {
      ...ENTITIES.checkoutApi,
      metadata: {
        ...ENTITIES.checkoutApi.metadata,
        annotations: {
          'backstage.io/kubernetes-id': 'checkout-api',
          'backstage.io/kubernetes-namespace': '../kube-system',
        },
      },
    };
    const collected = await collect(clusters.definitions, [entity]);
    await expect(
      verdict('availability.replicas', entity, collected),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'annotation backstage.io/kubernetes-namespace "../kube-system" is not a namespace name (lowercase letters, digits and dashes, at most 63)',
    });
  });

  it('matches set-based selectors in memory', async () => {
    const entity: Entity = {
      ...ENTITIES.ghost,
      metadata: {
        name: 'shop',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-label-selector':
            'app.kubernetes.io/name in (checkout-api, orders-db), app.kubernetes.io/component notin (database)',
        },
      },
    };
    const collected = await collect(clusters.definitions, [entity]);
    expect(
      collected.facts
        .get('component:default/shop')!
        .workloads.map(w => `${w.cluster}/${w.name}`),
    ).toEqual(['prod-eu/checkout-api', 'prod-us/checkout-api']);
  });
});

describe('upstream failures', () => {
  it('reports the missing RBAC permission as error for the checks that need it, and only there', async () => {
    clusters.us.forbidden.add('networkpolicies.networking.k8s.io');
    const collected = await collect(clusters.definitions, [
      ENTITIES.checkoutApi,
      ENTITIES.ordersDb,
    ]);
    await expect(
      verdict('security.network-policy', ENTITIES.checkoutApi, collected),
    ).resolves.toMatchObject({
      status: 'error',
      summary:
        'cluster "prod-us" forbids list on networkpolicies.networking.k8s.io (403 Forbidden); grant the service account the RBAC verb "list" on resource "networkpolicies" in API group "networking.k8s.io" at cluster scope (ClusterRole + ClusterRoleBinding): networkpolicies.networking.k8s.io is forbidden: User "system:serviceaccount:backstage:production-readiness" cannot list resource "networkpolicies" in API group "networking.k8s.io" at the cluster scope',
    });
    await expect(
      verdict('availability.replicas', ENTITIES.checkoutApi, collected),
    ).resolves.toMatchObject({ status: 'pass' });
    // orders-db runs in prod-eu only, so prod-us's refusal does not concern it.
    await expect(
      verdict('security.network-policy', ENTITIES.ordersDb, collected),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('reports error for every entity when workloads cannot be listed in some cluster', async () => {
    clusters.us.forbidden.add('deployments.apps');
    const collected = await collect(clusters.definitions, [ENTITIES.ordersDb]);
    const result = await verdict(
      'availability.probes',
      ENTITIES.ordersDb,
      collected,
    );
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(
      /^cluster "prod-us" forbids list on deployments\.apps \(403 Forbidden\); grant the service account the RBAC verb "list" on resource "deployments" in API group "apps"/,
    );
  });

  it('says the token was rejected on 401', async () => {
    const wrongToken = clusters.definitions.map(d =>
      d.name === 'prod-eu' ? { ...d, serviceAccountToken: 'expired' } : d,
    );
    const collected = await collect(wrongToken, [ENTITIES.ordersDb]);
    const result = await verdict(
      'availability.replicas',
      ENTITIES.ordersDb,
      collected,
    );
    expect(JSON.stringify(result)).not.toContain('c0ffee');
    expect(result).toMatchObject({
      status: 'error',
      summary:
        'cluster "prod-eu" rejected the service account token (401 Unauthorized) listing deployments.apps; renew the serviceAccountToken of cluster "prod-eu" (and 3 more list failures)',
    });
  });

  it('gives unknown with the reason when a CRD is not installed where the entity runs', async () => {
    clusters.eu.notInstalled.add('monitoring.coreos.com');
    const collected = await collect(clusters.definitions, [ENTITIES.ordersDb]);
    await expect(
      verdict('monitoring.scrape-config', ENTITIES.ordersDb, collected),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'cluster "prod-eu" does not serve servicemonitors.monitoring.coreos.com/v1 (404): the CRD of the Prometheus Operator is not installed; scrape configuration cannot be read from the cluster',
    });
    await expect(
      verdict('monitoring.prometheus-rule', ENTITIES.ordersDb, collected),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'cluster "prod-eu" does not serve prometheusrules.monitoring.coreos.com/v1 (404): the CRD of the Prometheus Operator is not installed; alert rules cannot be read from the cluster',
    });
  });

  it('gives unknown for Velero coverage when Velero is not installed', async () => {
    clusters.eu.notInstalled.add('velero.io');
    const collected = await collect(clusters.definitions, [ENTITIES.ordersDb]);
    await expect(
      verdict('backup.velero-schedule', ENTITIES.ordersDb, collected),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'namespace orders (prod-eu): cluster "prod-eu" does not serve schedules.velero.io/v1 (404): the CRD of Velero is not installed',
    });
  });

  it('gives unknown for database HA when CloudNativePG is not installed where the database runs, and nothing else changes', async () => {
    clusters.eu.notInstalled.add('postgresql.cnpg.io');
    const collected = await collect(clusters.definitions, [
      ENTITIES.paymentsDb,
      ENTITIES.ordersDb,
    ]);
    // Its PersistentVolumeClaims (labelled through spec.inheritedMetadata) are still there.
    await expect(
      verdict('availability.database-ha', ENTITIES.paymentsDb, collected),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary:
        'No Deployment, StatefulSet or CloudNativePG Cluster matches backstage.io/kubernetes-id=payments-db in clusters prod-eu, prod-us; cluster "prod-eu" does not serve clusters.postgresql.cnpg.io/v1 (404): the CRD of CloudNativePG is not installed',
    });
    await expect(
      verdict('availability.replicas', ENTITIES.paymentsDb, collected),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'No Deployment, StatefulSet or Argo Rollout matches backstage.io/kubernetes-id=payments-db in clusters prod-eu, prod-us',
    });
    // A StatefulSet database is judged as before.
    await expect(
      verdict('availability.database-ha', ENTITIES.ordersDb, collected),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('reports a refused CloudNativePG list anywhere as error for database HA, and only there', async () => {
    // prod-us, where orders-db has nothing, gets CloudNativePG but refuses to list it.
    clusters.us.notInstalled.delete('postgresql.cnpg.io');
    clusters.us.forbidden.add('clusters.postgresql.cnpg.io');
    try {
      const collected = await collect(clusters.definitions, [
        ENTITIES.ordersDb,
      ]);
      // Instances of the declared database may be among the Clusters it cannot list.
      await expect(
        verdict('availability.database-ha', ENTITIES.ordersDb, collected),
      ).resolves.toMatchObject({
        status: 'error',
        summary:
          'cluster "prod-us" forbids list on clusters.postgresql.cnpg.io (403 Forbidden); grant the service account the RBAC verb "list" on resource "clusters" in API group "postgresql.cnpg.io" at cluster scope (ClusterRole + ClusterRoleBinding): clusters.postgresql.cnpg.io is forbidden: User "system:serviceaccount:backstage:production-readiness" cannot list resource "clusters" in API group "postgresql.cnpg.io" at the cluster scope',
      });
      for (const checkId of [
        'availability.replicas',
        'availability.pod-disruption-budget',
        'security.network-policy',
      ]) {
        await expect(
          verdict(checkId, ENTITIES.ordersDb, collected),
        ).resolves.toMatchObject({ status: 'pass' });
      }
    } finally {
      clusters.us.notInstalled.add('postgresql.cnpg.io');
    }
  });

  it('reports a refused CloudNativePG list where the database runs as error', async () => {
    clusters.eu.forbidden.add('clusters.postgresql.cnpg.io');
    const collected = await collect(clusters.definitions, [
      ENTITIES.paymentsDb,
    ]);
    const result = await verdict(
      'availability.database-ha',
      ENTITIES.paymentsDb,
      collected,
    );
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(
      /^cluster "prod-eu" forbids list on clusters\.postgresql\.cnpg\.io \(403 Forbidden\); grant the service account the RBAC verb "list" on resource "clusters" in API group "postgresql\.cnpg\.io"/,
    );
  });

  it('turns a 500 into error for the checks reading that kind', async () => {
    clusters.eu.faults.set('/apis/batch/v1/jobs', {
      status: 500,
      message: 'etcdserver: request timed out',
    });
    const collected = await collect(clusters.definitions, [ENTITIES.ordersDb]);
    await expect(
      verdict('backup.cluster-backup-job', ENTITIES.ordersDb, collected),
    ).resolves.toMatchObject({
      status: 'error',
      summary:
        'cluster "prod-eu" answered 500 listing jobs.batch: etcdserver: request timed out',
    });
    await expect(
      verdict('availability.replicas', ENTITIES.ordersDb, collected),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('gives up on a slow answer after the request timeout', async () => {
    clusters.eu.faults.set('/api/v1/services', { delayMs: 10_000 });
    const started = Date.now();
    const collected = await collect(
      clusters.definitions,
      [ENTITIES.checkoutApi],
      { settings: { requestTimeoutMs: 300 } },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(
      verdict('monitoring.scrape-config', ENTITIES.checkoutApi, collected),
    ).resolves.toMatchObject({
      status: 'error',
      summary:
        'cluster "prod-eu": listing services stopped: timed out after 300 ms',
    });
  });

  it("stops when the engine's signal aborts", async () => {
    clusters.us.faults.set('/apis/apps/v1/deployments', { delayMs: 10_000 });
    const controller = new AbortController();
    setTimeout(
      () => controller.abort(new Error('timed out after 250 ms')),
      250,
    );
    const collected = await collect(
      clusters.definitions,
      [ENTITIES.checkoutApi],
      { signal: controller.signal },
    );
    const result = await verdict(
      'availability.replicas',
      ENTITIES.checkoutApi,
      collected,
    );
    expect(result.status).toBe('error');
    expect(result.evidence).toContainEqual({
      label: 'list failed',
      value:
        'cluster "prod-us": listing deployments.apps stopped: timed out after 250 ms',
      source: 'kubernetes',
    });
  });

  it('refuses garbage and oversized answers', async () => {
    clusters.eu.faults.set('/apis/policy/v1/poddisruptionbudgets', {
      body: '<html>502 Bad Gateway</html>',
    });
    clusters.eu.faults.set('/apis/networking.k8s.io/v1/networkpolicies', {
      bodyBytes: 3 * 1024 * 1024,
    });
    const collected = await collect(clusters.definitions, [ENTITIES.ordersDb], {
      settings: { maxResponseBytes: 1024 * 1024 },
    });
    const pdb = await verdict(
      'availability.pod-disruption-budget',
      ENTITIES.ordersDb,
      collected,
    );
    expect(pdb.status).toBe('error');
    expect(pdb.summary).toMatch(
      /^cluster "prod-eu" answered listing poddisruptionbudgets\.policy with a body that is not a Kubernetes list: /,
    );
    await expect(
      verdict('security.network-policy', ENTITIES.ordersDb, collected),
    ).resolves.toMatchObject({
      status: 'error',
      summary:
        'cluster "prod-eu": listing networkpolicies.networking.k8s.io failed: response body is larger than 1048576 bytes',
    });
  });

  it('reports an unreachable cluster', async () => {
    const down = clusters.definitions.map(d =>
      d.name === 'prod-us' ? { ...d, url: 'http://127.0.0.1:9' } : d,
    );
    const collected = await collect(down, [ENTITIES.ordersDb]);
    const result = await verdict(
      'availability.replicas',
      ENTITIES.ordersDb,
      collected,
    );
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(
      /^cluster "prod-us": listing deployments\.apps failed: .*ECONNREFUSED 127\.0\.0\.1:9/,
    );
  });

  it('verifies the API server certificate against caData', async () => {
    const otherCa = Buffer.from(createSelfSignedCertificate().cert).toString(
      'base64',
    );
    const wrongCa = clusters.definitions.map(d =>
      d.name === 'prod-eu' ? { ...d, caData: otherCa } : d,
    );
    const collected = await collect(wrongCa, [ENTITIES.ordersDb]);
    const result = await verdict(
      'availability.replicas',
      ENTITIES.ordersDb,
      collected,
    );
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(
      /^cluster "prod-eu": listing deployments\.apps failed: .*certificate/,
    );
    expect(clusters.eu.requests).toEqual([]);
  });
});
