import { useTestClusters } from '../__testUtils__/clusters';
import {
  MANAGED_FIELDS,
  verdictWithManagedFields,
} from '../__testUtils__/managedFieldCases';

jest.setTimeout(60_000);

describe('delivery.orchestrated', () => {
  const clusters = useTestClusters();

  const judge = (checkId: string, managedFields: unknown[]) =>
    verdictWithManagedFields(clusters, checkId, managedFields);

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

  it('says unknown when no managedFields are recorded', async () => {
    expect(await judge('delivery.orchestrated', [])).toMatchObject({
      status: 'unknown',
      summary:
        'No managedFields recorded on Deployment shop/checkout-api (prod-eu): nothing shows who deploys it',
    });
  });
});
