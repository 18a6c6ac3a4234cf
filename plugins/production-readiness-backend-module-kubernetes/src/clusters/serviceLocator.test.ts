import { Entity } from '@backstage/catalog-model';
import { clustersOfEntity, serviceLocatorMethodOf } from './serviceLocator';

const CLUSTERS = ['prod-eu', 'prod-us', 'lab'];

function service(
  annotations: Record<string, string> = {},
  dependsOn: string[] = [],
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders-api', namespace: 'shop', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
    relations: dependsOn.map(targetRef => ({ type: 'dependsOn', targetRef })),
  };
}

describe('clustersOfEntity, as the Kubernetes plugin locates services', () => {
  it('multiTenant: every cluster, whatever the entity says', () => {
    expect(
      clustersOfEntity(
        service({ 'backstage.io/kubernetes-cluster': 'lab' }),
        CLUSTERS,
        'multiTenant',
      ),
    ).toEqual({ ok: true, clusters: CLUSTERS });
  });

  it('singleTenant: the annotated cluster, or every cluster without the annotation', () => {
    expect(
      clustersOfEntity(
        service({ 'backstage.io/kubernetes-cluster': 'prod-us' }),
        CLUSTERS,
        'singleTenant',
      ),
    ).toEqual({ ok: true, clusters: ['prod-us'] });
    expect(clustersOfEntity(service(), CLUSTERS, 'singleTenant')).toEqual({
      ok: true,
      clusters: CLUSTERS,
    });
    expect(
      clustersOfEntity(
        service({ 'backstage.io/kubernetes-cluster': 'prod-ap' }),
        CLUSTERS,
        'singleTenant',
      ),
    ).toEqual({
      ok: false,
      error:
        'annotation backstage.io/kubernetes-cluster names cluster "prod-ap", which the Kubernetes plugin does not know (it knows prod-eu, prod-us, lab)',
    });
  });

  it("catalogRelation: the clusters the entity dependsOn, in the entity's namespace", () => {
    expect(
      clustersOfEntity(
        service({}, [
          'resource:shop/prod-eu',
          'resource:default/prod-us',
          'resource:shop/orders-db',
        ]),
        CLUSTERS,
        'catalogRelation',
      ),
    ).toEqual({ ok: true, clusters: ['prod-eu'] });
    expect(
      clustersOfEntity(
        service({}, ['resource:default/prod-us']),
        CLUSTERS,
        'catalogRelation',
      ),
    ).toEqual({
      ok: false,
      error:
        "the Kubernetes plugin locates workloads by catalog relation (serviceLocatorMethod catalogRelation), and the entity dependsOn none of its clusters (prod-eu, prod-us, lab): add the cluster's Resource to spec.dependsOn",
    });
  });

  it('reads the method as configured; unknown or unset looks everywhere', () => {
    expect(serviceLocatorMethodOf('singleTenant')).toBe('singleTenant');
    expect(serviceLocatorMethodOf('catalogRelation')).toBe('catalogRelation');
    expect(serviceLocatorMethodOf('http')).toBe('multiTenant');
    expect(serviceLocatorMethodOf(undefined)).toBe('multiTenant');
  });
});
