import { Entity } from '@backstage/catalog-model';
import { EVIDENCE_OWNER } from '@production-readiness/plugin-production-readiness-common';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import { startTestClusters, TestClusters } from './__testUtils__/clusters';
import { ENTITIES } from './__testUtils__/fixtures';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import productionReadinessModuleKubernetes from './index';

jest.setTimeout(60_000);

const ORIGINAL = 'component:default/checkout-api';
const COPY_BY_ID = 'component:default/checkout-api-copy';
const COPY_BY_SELECTOR = 'component:payments/checkout-v2';

/** checkout-api's catalog-info copied under a new name and owner, as new services are registered. */
const copyById: Entity = {
  ...ENTITIES.checkoutApi,
  metadata: { ...ENTITIES.checkoutApi.metadata, name: 'checkout-api-copy' },
  spec: { ...ENTITIES.checkoutApi.spec, owner: 'group:default/payments' },
};
/** Another entity selecting the same workloads another way: a label selector and a namespace. */
const copyBySelector: Entity = {
  ...ENTITIES.checkoutApi,
  metadata: {
    name: 'checkout-v2',
    namespace: 'payments',
    annotations: {
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/name=checkout-api,app.kubernetes.io/part-of in (shop)',
      'backstage.io/kubernetes-namespace': 'shop',
    },
  },
  spec: { ...ENTITIES.checkoutApi.spec, owner: 'group:default/payments' },
};

describe('evidence in the clusters counts for one entity only', () => {
  let clusters: TestClusters;
  let backend: ReadinessTestBackend;

  beforeAll(async () => {
    clusters = await startTestClusters();
    backend = await startReadinessTestBackend({
      features: [kubernetesBackend, productionReadinessModuleKubernetes],
      entities: [ENTITIES.checkoutApi, copyById, copyBySelector],
      rootConfig: clusters.config,
      config: { refresh: { minInterval: { milliseconds: 1 } } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await clusters?.stop();
  });

  const replicas = async (ref: string) =>
    (await backend.refresh(ref)).results.find(
      r => r.checkId === 'availability.replicas',
    );

  it('fails every entity selecting the same workload, naming the others, until the workload names its entity', async () => {
    expect(await replicas(ORIGINAL)).toMatchObject({ status: 'pass' });

    // The copies are evaluated alone; each meets the others' stored claims.
    const byId = await replicas(COPY_BY_ID);
    expect(byId).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        /^Evidence not bound to this entity: kubernetes-workload prod-(eu|us)\/shop\/Deployment\/checkout-api \(selected by backstage.io\/kubernetes-id=checkout-api\) is also claimed by component:default\/checkout-api/,
      ),
      remediation: expect.stringContaining(
        `${EVIDENCE_OWNER.kubernetesAnnotation}: <the ref of the entity it belongs to>`,
      ),
    });
    const bySelector = await replicas(COPY_BY_SELECTOR);
    expect(bySelector?.status).toBe('fail');
    expect(bySelector?.summary).toContain(ORIGINAL);
    expect(bySelector?.summary).toContain(
      'app.kubernetes.io/name=checkout-api',
    );

    const original = await replicas(ORIGINAL);
    expect(original?.status).toBe('fail');
    expect(original?.evidence.map(e => String(e.value)).join('\n')).toContain(
      COPY_BY_ID,
    );
    expect(original?.evidence.map(e => String(e.value)).join('\n')).toContain(
      COPY_BY_SELECTOR,
    );

    // The owner settles it: every object of checkout-api names its entity.
    for (const server of [clusters.eu, clusters.us]) {
      server.objects = server.objects.map(o =>
        o.metadata.labels?.['app.kubernetes.io/name'] === 'checkout-api'
          ? {
              ...o,
              metadata: {
                ...o.metadata,
                annotations: {
                  ...o.metadata.annotations,
                  [EVIDENCE_OWNER.kubernetesAnnotation]: ORIGINAL,
                },
              },
            }
          : o,
      );
    }
    expect(await replicas(ORIGINAL)).toMatchObject({ status: 'pass' });
    for (const copy of [COPY_BY_ID, COPY_BY_SELECTOR]) {
      const result = await replicas(copy);
      expect(result?.status).toBe('fail');
      expect(result?.summary).toContain(`names ${ORIGINAL} as its entity`);
    }

    // The fleet overview lists what each entity selects but does not hold.
    const overview = new Map(
      (await backend.overview()).map(e => [e.entityRef, e.contested]),
    );
    expect(overview.get(ORIGINAL)).toBeUndefined();
    expect(overview.get(COPY_BY_ID)).toContainEqual({
      kind: 'kubernetes-workload',
      id: 'prod-eu/shop/Deployment/checkout-api',
      how: 'backstage.io/kubernetes-id=checkout-api',
      reason: 'named-other',
      namedEntity: ORIGINAL,
      others: expect.arrayContaining([
        {
          entityRef: ORIGINAL,
          id: 'prod-eu/shop/Deployment/checkout-api',
          how: 'backstage.io/kubernetes-id=checkout-api',
        },
      ]),
      settle: expect.stringContaining(EVIDENCE_OWNER.kubernetesAnnotation),
    });
  });
});
