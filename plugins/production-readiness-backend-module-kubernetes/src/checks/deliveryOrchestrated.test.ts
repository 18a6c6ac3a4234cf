import { useTestClusters } from '../__testUtils__/clusters';
import {
  MANAGED_FIELDS,
  verdictWithManagedFields,
} from '../__testUtils__/managedFieldCases';

jest.setTimeout(60_000);

describe('delivery.orchestrated', () => {
  const clusters = useTestClusters();

  const judge = (
    checkId: string,
    managedFields: unknown[],
    ownerReferences?: unknown[],
  ) =>
    verdictWithManagedFields(clusters, checkId, managedFields, ownerReferences);

  it('passes a workload Helm or Argo CD deploys, naming the orchestrator', async () => {
    expect(
      await judge('delivery.orchestrated', MANAGED_FIELDS.helm),
    ).toMatchObject({
      status: 'pass',
      summary:
        'Deployed by an orchestrator: Deployment shop/checkout-api (prod-eu) (helm), Deployment shop/checkout-api (prod-us) (helm)',
    });
    expect(
      (await judge('delivery.orchestrated', MANAGED_FIELDS.argo)).summary,
    ).toBe(
      'Deployed by an orchestrator: Deployment shop/checkout-api (prod-eu) (argocd-controller), Deployment shop/checkout-api (prod-us) (helm)',
    );
    // A hand edit does not make the workload hand-deployed: drift is the other check's.
    expect(
      (await judge('delivery.orchestrated', MANAGED_FIELDS.editedAfterHelm))
        .status,
    ).toBe('pass');
  });

  it('fails a workload only kubectl applied, or one whose deploy tool is not listed', async () => {
    expect(
      await judge('delivery.orchestrated', MANAGED_FIELDS.kubectlApplied),
    ).toMatchObject({
      status: 'fail',
      summary:
        'Not deployed by an orchestrator: Deployment shop/checkout-api (prod-eu) is managed only by kubectl-client-side-apply',
    });
    const unknown = await judge(
      'delivery.orchestrated',
      MANAGED_FIELDS.unknownTool,
    );
    expect(unknown).toMatchObject({
      status: 'fail',
      summary:
        'Not deployed by an orchestrator: Deployment shop/checkout-api (prod-eu) is managed only by werf',
    });
    expect(unknown.remediation).toContain(
      'productionReadiness.kubernetes.deployManagers',
    );
  });

  it('says unknown for a workload an operator controls, naming its resource', async () => {
    expect(
      await judge('delivery.orchestrated', MANAGED_FIELDS.operatorOwned, [
        {
          apiVersion: 'acid.zalan.do/v1',
          kind: 'postgresql',
          name: 'checkout-pg',
          uid: '0b4e1f9c-5a1d-4c55-a3c2-6f1e2d3c4b5a',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]),
    ).toMatchObject({
      status: 'unknown',
      summary:
        'Deployment shop/checkout-api (prod-eu) is controlled by postgresql shop/checkout-pg: who deploys that resource is not read (the module does not list it)',
    });
  });

  it('says unknown when no managedFields are recorded', async () => {
    expect(await judge('delivery.orchestrated', [])).toMatchObject({
      status: 'unknown',
      summary:
        'No managedFields recorded on Deployment shop/checkout-api (prod-eu): nothing shows who deploys it',
    });
  });
});
