import { KubeObject } from '@internal/test-servers';
import {
  collect,
  ObjectChanges,
  useTestClusters,
  verdict,
  withObjects,
} from '../__testUtils__/clusters';
import { ENTITIES } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const isCheckoutDeployment = (o: KubeObject) =>
  o.kind === 'Deployment' && o.metadata.name === 'checkout-api';

/** prod-eu's checkout-api Deployment turned into an Argo Rollout with `spec` merged in. */
const asRollout =
  (
    spec: Record<string, unknown>,
    keepDeployment?: (d: KubeObject) => KubeObject,
  ) =>
  (objects: KubeObject[]) => {
    const deployment = objects.find(isCheckoutDeployment)!;
    const { strategy: _s, ...deploymentSpec } = deployment.spec as Record<
      string,
      unknown
    >;
    const rollout: KubeObject = {
      ...deployment,
      metadata: {
        ...deployment.metadata,
        annotations: {
          ...deployment.metadata.annotations,
          'argocd.argoproj.io/tracking-id':
            'checkout-api:argoproj.io/Rollout:shop/checkout-api',
        },
      },
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      spec: { ...deploymentSpec, ...spec },
      status: { replicas: 3, readyReplicas: 3, phase: 'Healthy' },
    };
    return [
      ...objects
        .filter(o => !isCheckoutDeployment(o))
        // Argo CD's Application lists the Rollout it applies now.
        .map(o =>
          o.kind === 'Application'
            ? {
                ...o,
                status: {
                  ...(o.status as object),
                  resources: [
                    {
                      group: 'argoproj.io',
                      kind: 'Rollout',
                      namespace: 'shop',
                      name: 'checkout-api',
                      status: 'Synced',
                    },
                  ],
                },
              }
            : o,
        )
        // The HorizontalPodAutoscaler scales the Rollout now.
        .map(o =>
          o.kind === 'HorizontalPodAutoscaler' &&
          o.metadata.name === 'checkout-api'
            ? {
                ...o,
                spec: {
                  ...(o.spec as object),
                  scaleTargetRef: {
                    apiVersion: 'argoproj.io/v1alpha1',
                    kind: 'Rollout',
                    name: 'checkout-api',
                  },
                },
              }
            : o,
        ),
      rollout,
      ...(keepDeployment ? [keepDeployment(deployment)] : []),
    ];
  };

const CANARY_WITH_ANALYSIS = {
  strategy: {
    canary: {
      maxUnavailable: 0,
      maxSurge: 1,
      steps: [
        { setWeight: 20 },
        { analysis: { templates: [{ templateName: 'success-rate' }] } },
        { setWeight: 100 },
      ],
    },
  },
};

describe('Argo Rollouts as workloads', () => {
  const clusters = useTestClusters();

  const verdicts = (changes: ObjectChanges, checkIds: string[]) =>
    withObjects(clusters, changes, async () => {
      const collected = await collect(clusters.definitions, [
        ENTITIES.checkoutApi,
      ]);
      return Object.fromEntries(
        await Promise.all(
          checkIds.map(async id => {
            const { status, summary } = await verdict(
              id,
              ENTITIES.checkoutApi,
              collected,
            );
            return [id, { status, summary }] as const;
          }),
        ),
      );
    });

  it('judges a canary Rollout with an analysis step like a Deployment, and names its analysis as automatic rollback', async () => {
    const result = await verdicts({ eu: asRollout(CANARY_WITH_ANALYSIS) }, [
      'availability.replicas',
      'availability.probes',
      'availability.autoscaling',
      'availability.rolling-update',
      'delivery.rollback-ready',
      'delivery.gitops-synced',
    ]);
    // Argo CD tracks the Rollout (group argoproj.io) like any workload.
    expect(result['delivery.gitops-synced'].status).toBe('pass');
    expect(result['delivery.rollback-ready']).toEqual({
      status: 'pass',
      summary:
        'Can be rolled back: Rollout shop/checkout-api (prod-eu) by Argo Rollouts analysis (success-rate), Deployment shop/checkout-api (prod-us) by hand (10 revisions kept; kubectl rollout undo or a Git revert)',
    });
    expect(result['availability.rolling-update']).toEqual({
      status: 'pass',
      summary:
        'Every workload rolls out without losing capacity: checkout-api (prod-eu) Canary maxUnavailable 0, checkout-api (prod-us) RollingUpdate maxUnavailable 0',
    });
    for (const id of [
      'availability.replicas',
      'availability.probes',
      'availability.autoscaling',
    ]) {
      expect(result[id].status).toBe('pass');
    }
  });

  it('fails a canary that may take pods down before new ones are ready, and takes the template of a referenced Deployment', async () => {
    const loose = await verdicts(
      {
        eu: asRollout({ strategy: { canary: { steps: [{ setWeight: 50 }] } } }),
      },
      ['availability.rolling-update', 'delivery.rollback-ready'],
    );
    expect(loose['availability.rolling-update']).toEqual({
      status: 'fail',
      summary:
        'Rollouts can lose capacity: checkout-api (prod-eu): maxUnavailable 25%',
    });
    // No analysis: rolled back by Argo CD's self-heal, as before.
    expect(loose['delivery.rollback-ready'].summary).toContain(
      'Rollout shop/checkout-api (prod-eu) by Argo CD self-heal',
    );

    // workloadRef: the Deployment keeps the template, scaled to 0 by Argo Rollouts.
    const referenced = await verdicts(
      {
        eu: asRollout(
          {
            template: undefined,
            workloadRef: {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'checkout-api',
            },
            strategy: { blueGreen: { activeService: 'checkout-api' } },
          },
          d => ({ ...d, spec: { ...(d.spec as object), replicas: 0 } }),
        ),
      },
      [
        'availability.replicas',
        'availability.probes',
        'availability.rolling-update',
      ],
    );
    expect(referenced['availability.replicas'].status).toBe('pass');
    expect(referenced['availability.probes'].status).toBe('pass');
    expect(referenced['availability.rolling-update'].summary).toBe(
      'Every workload rolls out without losing capacity: checkout-api (prod-eu) BlueGreen, checkout-api (prod-us) RollingUpdate maxUnavailable 0',
    );
  });
});
