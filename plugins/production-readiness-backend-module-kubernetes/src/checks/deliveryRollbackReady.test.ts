import { KubeObject } from '@internal/test-servers';
import {
  changeCheckoutApi,
  ObjectChanges,
  replaceObjects,
  useTestClusters,
  verdictWithObjects,
} from '../__testUtils__/clusters';
import { checkoutApiHelmRelease, ENTITIES } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const CHECK = 'delivery.rollback-ready';

/** checkout-api's Deployment with `spec` and `annotations` merged in. */
const deployment = (
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
) =>
  changeCheckoutApi(o => ({
    ...o,
    metadata: {
      ...o.metadata,
      annotations: { ...o.metadata.annotations, ...annotations },
    },
    spec: { ...(o.spec as object), ...spec },
  }));

describe('delivery.rollback-ready', () => {
  const clusters = useTestClusters();

  const judge = (changes: ObjectChanges = {}) =>
    verdictWithObjects(clusters, CHECK, changes, ENTITIES.checkoutApi);

  it('passes, naming Argo CD self-heal as automatic rollback and the rest as rollback by hand', async () => {
    const result = await judge();
    expect(result).toMatchObject({
      status: 'pass',
      summary:
        'Can be rolled back: Deployment shop/checkout-api (prod-eu) by Argo CD self-heal (Application argocd/checkout-api, automated sync), Deployment shop/checkout-api (prod-us) by hand (10 revisions kept; kubectl rollout undo or a Git revert)',
    });
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        label: 'Deployment shop/checkout-api rollout',
        value: {
          revisionHistoryLimit: 10,
          revision: 42,
          progressDeadlineSeconds: 600,
          automaticRollback: 'none',
        },
        source: 'kubernetes:prod-us',
      }),
    );
    // Flux remediates a failed upgrade by rolling back once retries are set.
    const remediated = checkoutApiHelmRelease(
      {},
      { upgrade: { remediation: { retries: 3 } } },
    );
    expect(
      (
        await judge({
          us: replaceObjects(o => o.kind === 'HelmRelease', remediated),
        })
      ).summary,
    ).toBe(
      'Can be rolled back: Deployment shop/checkout-api (prod-eu) by Argo CD self-heal (Application argocd/checkout-api, automated sync), Deployment shop/checkout-api (prod-us) by Flux upgrade remediation (HelmRelease flux-system/checkout-api: rollback after 3 retries)',
    );
    // Uninstalling is no rollback.
    const uninstalls = checkoutApiHelmRelease(
      {},
      { upgrade: { remediation: { retries: 3, strategy: 'uninstall' } } },
    );
    expect(
      (
        await judge({
          us: replaceObjects(o => o.kind === 'HelmRelease', uninstalls),
        })
      ).summary,
    ).toContain('(prod-us) by hand');
  });

  it('fails a workload that keeps no old revision, or whose rollout cannot tell a broken version', async () => {
    expect(
      await judge({ eu: deployment({ revisionHistoryLimit: 0 }) }),
    ).toMatchObject({
      status: 'fail',
      summary:
        'Cannot be rolled back safely: Deployment shop/checkout-api (prod-eu) keeps no old revision (revisionHistoryLimit: 0)',
    });
    const unprobed = changeCheckoutApi(o => {
      const copy = JSON.parse(JSON.stringify(o)) as KubeObject;
      delete (copy.spec as any).template.spec.containers[0].readinessProbe;
      return copy;
    });
    expect(await judge({ us: unprobed })).toMatchObject({
      status: 'fail',
      summary:
        'Cannot be rolled back safely: Deployment shop/checkout-api (prod-us) has no readinessProbe on app: a broken version rolls out as if healthy',
    });
  });

  it('warns while a Deployment is at its first revision: nothing to roll back to yet', async () => {
    expect(
      await judge({
        eu: deployment({}, { 'deployment.kubernetes.io/revision': '1' }),
      }),
    ).toMatchObject({
      status: 'warn',
      summary:
        'Nothing to roll back to yet: Deployment shop/checkout-api (prod-eu) is at revision 1',
    });
  });
});
