import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { KubeObject } from '@internal/test-servers';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import {
  changeCheckoutApi,
  collect,
  ObjectChanges,
  replaceObjects,
  useTestClusters,
  verdictWithObjects,
  withObjects,
} from '../__testUtils__/clusters';
import {
  checkoutApiApplication,
  checkoutApiHelmRelease,
  ENTITIES,
  NOW,
  shopKustomization,
} from '../__testUtils__/fixtures';
import { createDeliveryGitOpsSyncedCheck } from './deliveryGitOpsSynced';

jest.setTimeout(60_000);

const CHECK = 'delivery.gitops-synced';
const isApplication = (o: KubeObject) => o.kind === 'Application';
const isHelmRelease = (o: KubeObject) => o.kind === 'HelmRelease';

/** checkout-api's Deployment without Flux's HelmRelease labels, with `labels` added. */
const relabelled = (labels: Record<string, string>) =>
  changeCheckoutApi(o => ({
    ...o,
    metadata: {
      ...o.metadata,
      labels: {
        ...Object.fromEntries(
          Object.entries(o.metadata.labels ?? {}).filter(
            ([k]) => !k.startsWith('helm.toolkit.fluxcd.io/'),
          ),
        ),
        ...labels,
      },
    },
  }));

describe('delivery.gitops-synced', () => {
  const clusters = useTestClusters();

  /** The verdict while prod-eu's and prod-us's objects are changed. */
  const judge = async (
    changes: ObjectChanges = {},
    entity: Entity = ENTITIES.checkoutApi,
    settings = { requireAutomatedSync: false },
  ) => {
    if (!settings.requireAutomatedSync) {
      return verdictWithObjects(clusters, CHECK, changes, entity);
    }
    return withObjects(clusters, changes, async () =>
      runCheckOnFixtures(createDeliveryGitOpsSyncedCheck(settings), {
        entity,
        facts: {
          kubernetes: (await collect(clusters.definitions, [entity])).facts.get(
            stringifyEntityRef(entity),
          ),
        },
        now: NOW,
      }),
    );
  };

  it('passes when the Argo CD Application (prod-eu) and the Flux HelmRelease (prod-us) are synced and healthy', async () => {
    const result = await judge();
    expect(result).toMatchObject({
      status: 'pass',
      summary:
        'Synced from Git: Application argocd/checkout-api (prod-eu) Synced, Healthy, HelmRelease flux-system/checkout-api (prod-us) Ready=True (UpgradeSucceeded)',
    });
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        label: 'Application argocd/checkout-api (prod-eu)',
        value: expect.objectContaining({
          automated: true,
          selfHeal: true,
          revision: '9f2c4e1a7b3d',
          deploys: ['Deployment shop/checkout-api (prod-eu)'],
          boundBy: 'annotation argocd.argoproj.io/tracking-id',
        }),
      }),
    );
  });

  it('fails an Application out of sync or degraded, with what Argo CD says', async () => {
    const outOfSync = await judge({
      eu: replaceObjects(
        isApplication,
        checkoutApiApplication({
          sync: { status: 'OutOfSync', revision: 'a1b2c3' },
          health: {
            status: 'Degraded',
            message: 'Deployment "checkout-api" exceeded its progress deadline',
          },
        }),
      ),
    });
    expect(outOfSync).toMatchObject({
      status: 'fail',
      summary:
        'Not synced from Git: Application argocd/checkout-api (prod-eu) is OutOfSync, Degraded: Deployment "checkout-api" exceeded its progress deadline',
    });
    const progressing = await judge({
      eu: replaceObjects(
        isApplication,
        checkoutApiApplication({
          health: { status: 'Progressing' },
          operationState: {
            phase: 'Failed',
            message: 'one or more objects failed to apply',
          },
        }),
      ),
    });
    expect(progressing.summary).toBe(
      'Not synced from Git: Application argocd/checkout-api (prod-eu) is Synced, Progressing: one or more objects failed to apply',
    );
  });

  it('fails a Flux HelmRelease that is not Ready, not reconciled yet, or suspended', async () => {
    const failed = await judge({
      us: replaceObjects(
        isHelmRelease,
        checkoutApiHelmRelease({
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'UpgradeFailed',
              message:
                'Helm upgrade failed for release shop/checkout-api with chart checkout-api@2.15.0: context deadline exceeded',
            },
          ],
        }),
      ),
    });
    expect(failed).toMatchObject({
      status: 'fail',
      summary:
        'Not synced from Git: HelmRelease flux-system/checkout-api (prod-us) is Ready=False (UpgradeFailed): Helm upgrade failed for release shop/checkout-api with chart checkout-api@2.15.0: context deadline exceeded',
    });
    // Ready from an older generation: the new spec has not been applied.
    const stale = checkoutApiHelmRelease({ observedGeneration: 0 });
    expect(
      (await judge({ us: replaceObjects(isHelmRelease, stale) })).summary,
    ).toBe(
      'Not synced from Git: HelmRelease flux-system/checkout-api (prod-us) is Ready=True (UpgradeSucceeded), spec not yet reconciled',
    );
    const suspended = checkoutApiHelmRelease({}, { suspend: true });
    expect(
      (await judge({ us: replaceObjects(isHelmRelease, suspended) })).summary,
    ).toBe(
      'Not synced from Git: HelmRelease flux-system/checkout-api (prod-us) is suspended: Flux does not apply Git to it',
    );
  });

  it('judges a Flux Kustomization by its Ready condition', async () => {
    // prod-us's checkout-api applied by the Kustomization `shop` instead of a HelmRelease.
    const byKustomization =
      (kustomization: KubeObject) => (objects: KubeObject[]) =>
        relabelled({
          'kustomize.toolkit.fluxcd.io/name': 'shop',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        })([...objects.filter(o => !isHelmRelease(o)), kustomization]);
    const ready = await judge({ us: byKustomization(shopKustomization()) });
    expect(ready.summary).toBe(
      'Synced from Git: Application argocd/checkout-api (prod-eu) Synced, Healthy, Kustomization flux-system/shop (prod-us) Ready=True (ReconciliationSucceeded)',
    );
    expect(ready.evidence).toContainEqual(
      expect.objectContaining({
        label: 'Kustomization flux-system/shop (prod-us)',
        value: expect.objectContaining({
          revision: 'main@sha1:5d1e0b7c',
          boundBy: 'labels kustomize.toolkit.fluxcd.io/name and /namespace',
        }),
      }),
    );
    const unhealthy = shopKustomization({
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'HealthCheckFailed',
          message:
            'health check failed after 5m0s: timeout waiting for: [Deployment/shop/checkout-api status: InProgress]',
        },
      ],
    });
    expect((await judge({ us: byKustomization(unhealthy) })).summary).toBe(
      'Not synced from Git: Kustomization flux-system/shop (prod-us) is Ready=False (HealthCheckFailed): health check failed after 5m0s: timeout waiting for: [Deployment/shop/checkout-api status: InProgress]',
    );
    // Still reconciling: Ready Unknown is not Ready.
    const reconciling = shopKustomization({
      conditions: [
        {
          type: 'Ready',
          status: 'Unknown',
          reason: 'Progressing',
          message: 'Reconciliation in progress',
        },
      ],
    });
    expect((await judge({ us: byKustomization(reconciling) })).summary).toBe(
      'Not synced from Git: Kustomization flux-system/shop (prod-us) is Ready=Unknown (Progressing): Reconciliation in progress',
    );
  });

  it('requires automated sync only where the platform says so', async () => {
    const manual = {
      eu: replaceObjects(
        isApplication,
        checkoutApiApplication({}, { syncPolicy: {} }),
      ),
    };
    expect((await judge(manual)).status).toBe('pass');
    const required = await judge(manual, ENTITIES.checkoutApi, {
      requireAutomatedSync: true,
    });
    expect(required).toMatchObject({
      status: 'fail',
      summary:
        'Not synced from Git: Application argocd/checkout-api (prod-eu) syncs only when someone presses Sync (no syncPolicy.automated)',
    });
    // Argo CD 3.x can keep the block and switch it off.
    const off = {
      eu: replaceObjects(
        isApplication,
        checkoutApiApplication(
          {},
          { syncPolicy: { automated: { enabled: false } } },
        ),
      ),
    };
    expect(
      (await judge(off, ENTITIES.checkoutApi, { requireAutomatedSync: true }))
        .status,
    ).toBe('fail');
  });

  it('fails a workload whose tracking names an Application no cluster has, or one no GitOps object deploys', async () => {
    expect(
      await judge({ eu: objects => objects.filter(o => !isApplication(o)) }),
    ).toMatchObject({
      status: 'fail',
      summary:
        'Not synced from Git: Deployment shop/checkout-api (prod-eu): annotation argocd.argoproj.io/tracking-id names Application checkout-api, which no cluster has with this workload among its resources',
    });
    // An Application of that name deploying other objects is not the workload's.
    const other = checkoutApiApplication({
      resources: [
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'staging',
          name: 'checkout-api',
        },
      ],
    });
    expect(
      (await judge({ eu: replaceObjects(isApplication, other) })).summary,
    ).toContain('which no cluster has with this workload among its resources');
    // No Flux labels, no Argo tracking on prod-us's Deployment: Helm's own
    // app.kubernetes.io/instance label is no Application.
    const untracked = relabelled({
      'app.kubernetes.io/instance': 'checkout-api-prod',
    });
    expect(await judge({ us: untracked })).toMatchObject({
      status: 'fail',
      summary:
        'Not synced from Git: Deployment shop/checkout-api (prod-us) is deployed by no Argo CD Application or Flux object (no argocd.argoproj.io/tracking-id annotation, app.kubernetes.io/instance label of an Application listing it, Flux labels, or argocd/app-name naming one)',
    });
  });

  it('is unknown where neither Argo CD nor Flux is installed', async () => {
    for (const server of [clusters.eu, clusters.us]) {
      for (const group of [
        'argoproj.io',
        'kustomize.toolkit.fluxcd.io',
        'helm.toolkit.fluxcd.io',
      ]) {
        server.notInstalled.add(group);
      }
    }
    try {
      const result = await judge();
      expect(result.status).toBe('unknown');
      expect(result.summary).toBe(
        'Neither Argo CD nor Flux is installed where Deployment shop/checkout-api (prod-eu), Deployment shop/checkout-api (prod-us) run: no cluster serves applications.argoproj.io, and theirs serve neither kustomizations.kustomize.toolkit.fluxcd.io nor helmreleases.helm.toolkit.fluxcd.io (the CRDs are not installed)',
      );
      // Argo CD installed but the tracked Application gone is a failure, not unknown.
      clusters.eu.notInstalled.delete('argoproj.io');
      expect(
        (await judge({ eu: objects => objects.filter(o => !isApplication(o)) }))
          .status,
      ).toBe('fail');
    } finally {
      clusters.us.notInstalled.clear();
      clusters.us.notInstalled.add('velero.io');
      clusters.us.notInstalled.add('postgresql.cnpg.io');
    }
  });

  it('counts an Application the entity names only when it deploys the entity’s workloads', async () => {
    const named = (value: string): Entity => ({
      ...ENTITIES.checkoutApi,
      metadata: {
        ...ENTITIES.checkoutApi.metadata,
        annotations: {
          ...ENTITIES.checkoutApi.metadata.annotations,
          'argocd/app-name': value,
        },
      },
    });
    expect((await judge({}, named('checkout-api'))).status).toBe('pass');
    // Pointing at another team's Application proves nothing about this entity.
    const ordersApp = checkoutApiApplication({
      resources: [
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'orders',
          name: 'orders-api',
        },
      ],
    });
    ordersApp.metadata = { ...ordersApp.metadata, name: 'orders-api' };
    const pointing = await judge(
      { eu: objects => [...objects, ordersApp] },
      named('checkout-api,orders-api'),
    );
    expect(pointing).toMatchObject({
      status: 'fail',
      summary:
        "Not synced from Git: Application orders-api (argocd/app-name) deploys none of the entity's workloads: no cluster has an Application of that name listing them",
    });
    const malformed = await judge({}, named('Checkout API'));
    expect(malformed).toMatchObject({
      status: 'unknown',
      summary:
        'annotation argocd/app-name "Checkout API" is not an Argo CD Application name (lowercase letters, digits, "-" and ".", at most 253)',
    });
  });

  it('binds an Application on a management cluster that deploys to the workload’s cluster', async () => {
    // Argo CD runs in prod-eu and deploys checkout-api to prod-us by label tracking.
    const remote = {
      ...checkoutApiApplication(
        {},
        {
          destination: {
            server: 'https://prod-us.k8s.acme.internal:6443',
            namespace: 'shop',
          },
        },
      ),
    };
    remote.metadata = { ...remote.metadata, name: 'checkout-api-us' };
    const labelled = (objects: KubeObject[]) =>
      changeCheckoutApi(o => ({
        ...o,
        metadata: {
          ...o.metadata,
          labels: {
            ...o.metadata.labels,
            'helm.toolkit.fluxcd.io/name': '',
            'app.kubernetes.io/instance': 'checkout-api-us',
          },
        },
      }))(objects.filter(o => !isHelmRelease(o)));
    const result = await judge({
      eu: objects => [...objects, remote],
      us: labelled,
    });
    expect(result.status).toBe('pass');
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        label: 'Application argocd/checkout-api-us (prod-eu)',
        value: expect.objectContaining({
          deploys: ['Deployment shop/checkout-api (prod-us)'],
          boundBy: 'label app.kubernetes.io/instance',
        }),
      }),
    );
  });
});
