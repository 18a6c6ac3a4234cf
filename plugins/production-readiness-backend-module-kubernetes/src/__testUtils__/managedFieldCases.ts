import {
  changeCheckoutApi,
  TestClusters,
  verdictWithObjects,
} from './clusters';
import {
  CONTROLLER_FIELDS,
  ENTITIES,
  DEPLOYMENT_SPEC_FIELDS,
  fieldsEntry,
} from './fixtures';

/** The managedFields of checkout-api's Deployment in each way it may have been deployed. */
export const MANAGED_FIELDS: Record<string, unknown[]> = {
  helm: [
    fieldsEntry('helm', { ageDays: 2, fields: DEPLOYMENT_SPEC_FIELDS }),
    ...CONTROLLER_FIELDS,
  ],
  argo: [
    fieldsEntry('argocd-controller', {
      operation: 'Apply',
      ageDays: 1,
      fields: DEPLOYMENT_SPEC_FIELDS,
    }),
    ...CONTROLLER_FIELDS,
  ],
  // `kubectl edit` changed the image a day after the Helm release.
  editedAfterHelm: [
    fieldsEntry('helm', { ageDays: 2, fields: DEPLOYMENT_SPEC_FIELDS }),
    fieldsEntry('kubectl-edit', {
      ageDays: 1,
      fields: {
        'f:spec': {
          'f:template': {
            'f:spec': {
              'f:containers': {
                'k:{"name":"app"}': { 'f:image': {} },
              },
            },
          },
        },
      },
    }),
    ...CONTROLLER_FIELDS,
  ],
  // Edited by hand before the last release: the release is what runs.
  editedBeforeHelm: [
    fieldsEntry('kubectl-edit', {
      ageDays: 3,
      fields: { 'f:spec': { 'f:minReadySeconds': {} } },
    }),
    fieldsEntry('helm', { ageDays: 2, fields: DEPLOYMENT_SPEC_FIELDS }),
    ...CONTROLLER_FIELDS,
  ],
  // `kubectl scale` writes spec.replicas through the scale subresource.
  scaled: [
    fieldsEntry('helm', { ageDays: 2, fields: DEPLOYMENT_SPEC_FIELDS }),
    fieldsEntry('kubectl-scale', {
      ageDays: 0.5,
      subresource: 'scale',
      fields: { 'f:spec': { 'f:replicas': {} } },
    }),
    ...CONTROLLER_FIELDS,
  ],
  // Only ever `kubectl apply`d from someone's laptop.
  kubectlApplied: [
    fieldsEntry('kubectl-client-side-apply', {
      ageDays: 5,
      fields: {
        ...DEPLOYMENT_SPEC_FIELDS,
        'f:metadata': {
          ...DEPLOYMENT_SPEC_FIELDS['f:metadata'],
          'f:annotations': {
            'f:kubectl.kubernetes.io/last-applied-configuration': {},
          },
        },
      },
    }),
    ...CONTROLLER_FIELDS,
  ],
  // Written by an operator that owns it (see verdictWithManagedFields' ownerReferences).
  operatorOwned: [
    fieldsEntry('postgres-operator', {
      ageDays: 2,
      fields: DEPLOYMENT_SPEC_FIELDS,
    }),
    ...CONTROLLER_FIELDS,
  ],
  // A deploy tool the platform has not listed.
  unknownTool: [
    fieldsEntry('werf', { ageDays: 2, fields: DEPLOYMENT_SPEC_FIELDS }),
    ...CONTROLLER_FIELDS,
  ],
};

/** The verdict of `checkId` for checkout-api while its prod-eu Deployment carries `managedFields`. */
export const verdictWithManagedFields = (
  clusters: TestClusters,
  checkId: string,
  managedFields: unknown[],
  ownerReferences?: unknown[],
) =>
  verdictWithObjects(
    clusters,
    checkId,
    {
      eu: changeCheckoutApi(o => ({
        ...o,
        metadata: {
          ...o.metadata,
          managedFields,
          ...(ownerReferences ? { ownerReferences } : {}),
        },
      })),
    },
    ENTITIES.checkoutApi,
  );
