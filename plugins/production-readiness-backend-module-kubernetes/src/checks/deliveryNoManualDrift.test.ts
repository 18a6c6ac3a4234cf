import { useTestClusters } from '../__testUtils__/clusters';
import { NOW } from '../__testUtils__/fixtures';
import {
  MANAGED_FIELDS,
  verdictWithManagedFields,
} from '../__testUtils__/managedFieldCases';

jest.setTimeout(60_000);

const CHECK = 'delivery.no-manual-drift';
const DAY = 24 * 3600_000;
const ago = (days: number) =>
  new Date(NOW.getTime() - days * DAY).toISOString();

describe('delivery.no-manual-drift', () => {
  const clusters = useTestClusters();

  const judge = (managedFields: unknown[]) =>
    verdictWithManagedFields(clusters, CHECK, managedFields);

  it('passes when no hand changed the spec since the last deploy', async () => {
    expect(await judge(MANAGED_FIELDS.helm)).toMatchObject({
      status: 'pass',
      summary:
        'No change by hand since the last deploy of Deployment shop/checkout-api (prod-eu), Deployment shop/checkout-api (prod-us)',
    });
    expect((await judge(MANAGED_FIELDS.argo)).status).toBe('pass');
    // Edited by hand, then released: what runs is the release.
    expect((await judge(MANAGED_FIELDS.editedBeforeHelm)).status).toBe('pass');
  });

  it('fails an edit or a scale after the last deploy, with the fields and the times', async () => {
    expect(await judge(MANAGED_FIELDS.editedAfterHelm)).toMatchObject({
      status: 'fail',
      summary: `Changed by hand since the last deploy: kubectl-edit changed spec.template.spec.containers[name=app].image of Deployment shop/checkout-api (prod-eu) at ${ago(
        1,
      )}, after the last deploy at ${ago(2)} (helm)`,
    });
    expect(await judge(MANAGED_FIELDS.scaled)).toMatchObject({
      status: 'fail',
      summary: `Changed by hand since the last deploy: kubectl-scale changed spec.replicas of Deployment shop/checkout-api (prod-eu) at ${ago(
        0.5,
      )}, after the last deploy at ${ago(2)} (helm)`,
    });
  });

  it('says unknown for a workload no orchestrator deploys', async () => {
    expect(await judge(MANAGED_FIELDS.kubectlApplied)).toMatchObject({
      status: 'unknown',
      summary:
        'No orchestrator deploys Deployment shop/checkout-api (prod-eu), so there is no deploy to compare hand changes with (see delivery.orchestrated)',
    });
  });
});
