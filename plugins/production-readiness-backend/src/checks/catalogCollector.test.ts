import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import {
  CATALOG_COLLECTOR_ID,
  CatalogFacts,
  createCatalogCollector,
} from './catalogCollector';

function entity(
  kind: string,
  name: string,
  spec: JsonObject = {},
  extra: {
    namespace?: string;
    annotations?: Record<string, string>;
    relations?: Entity['relations'];
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: extra.namespace ?? 'default',
      annotations: extra.annotations ?? {},
    },
    spec,
    relations: extra.relations,
  };
}

const teamOrders = entity('Group', 'team-orders', { type: 'team' });
const alice = entity('User', 'alice');
const ordersSystem = entity('System', 'orders', { owner: 'team-orders' });
const ordersDb = entity(
  'Resource',
  'orders-db',
  { type: 'database', owner: 'team-orders' },
  { annotations: { [ANNOTATIONS.backupLocation]: 's3-eu' } },
);
const usersDb = entity('Resource', 'users-db', {
  type: 'database',
  owner: 'team-orders',
});
const paymentsTeam = entity(
  'Group',
  'team-payments',
  {},
  { namespace: 'payments' },
);

const ordersApi = entity('Component', 'orders-api', {
  type: 'service',
  lifecycle: 'production',
  owner: 'team-orders',
  system: 'orders',
  dependsOn: ['resource:orders-db', 'resource:users-db'],
});
const adminUi = entity('Component', 'admin-ui', {
  type: 'website',
  lifecycle: 'production',
  owner: 'user:alice',
  system: 'unknown-system',
  dependsOn: ['resource:sessions-db'],
});
const billing = entity(
  'Component',
  'billing',
  { type: 'service', owner: 'team-payments' },
  {
    namespace: 'payments',
    relations: [
      { type: 'dependsOn', targetRef: 'resource:default/orders-db' },
      { type: 'ownedBy', targetRef: 'group:payments/team-payments' },
    ],
  },
);
const orphan = entity('Component', 'orphan', { type: 'library' });

function setup(extra: Entity[] = []) {
  const catalog = catalogServiceMock({
    entities: [
      teamOrders,
      alice,
      ordersSystem,
      ordersDb,
      usersDb,
      paymentsTeam,
      ordersApi,
      adminUi,
      billing,
      orphan,
      ...extra,
    ],
  });
  const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
  const collector = createCatalogCollector({
    catalog,
    auth: mockServices.auth(),
  });
  const collect = (entities: Entity[]) =>
    collector.collect(entities, {
      logger: mockServices.logger.mock(),
      signal: new AbortController().signal,
      now: new Date('2026-11-22T00:00:00Z'),
    });
  return { catalog, collector, collect, getEntitiesByRefs };
}

describe('createCatalogCollector', () => {
  it('has the id the checks read', () => {
    const { collector } = setup();
    expect(collector.id).toBe(CATALOG_COLLECTOR_ID);
    expect(CATALOG_COLLECTOR_ID).toBe('catalog');
  });

  it('resolves owners, systems and dependencies of every entity in one request', async () => {
    const { collect, getEntitiesByRefs } = setup();
    const { facts, errors } = await collect([
      ordersApi,
      adminUi,
      billing,
      orphan,
    ]);

    expect(errors).toBeUndefined();
    expect(facts.get('component:default/orders-api')).toEqual<CatalogFacts>({
      owner: { ref: 'group:default/team-orders', kind: 'Group', found: true },
      system: { ref: 'system:default/orders', found: true },
      dependencies: [
        {
          ref: 'resource:default/orders-db',
          found: true,
          kind: 'Resource',
          type: 'database',
          annotations: { [ANNOTATIONS.backupLocation]: 's3-eu' },
        },
        {
          ref: 'resource:default/users-db',
          found: true,
          kind: 'Resource',
          type: 'database',
          annotations: {},
        },
      ],
    });
    expect(facts.get('component:default/admin-ui')).toEqual<CatalogFacts>({
      owner: { ref: 'user:default/alice', kind: 'User', found: true },
      system: { ref: 'system:default/unknown-system', found: false },
      dependencies: [
        {
          ref: 'resource:default/sessions-db',
          found: false,
          annotations: {},
        },
      ],
    });
    // Owner resolved in the entity's own namespace; dependencies read from relations.
    expect(facts.get('component:payments/billing')).toEqual<CatalogFacts>({
      owner: {
        ref: 'group:payments/team-payments',
        kind: 'Group',
        found: true,
      },
      dependencies: [
        {
          ref: 'resource:default/orders-db',
          found: true,
          kind: 'Resource',
          type: 'database',
          annotations: { [ANNOTATIONS.backupLocation]: 's3-eu' },
        },
      ],
    });
    expect(facts.get('component:default/orphan')).toEqual<CatalogFacts>({
      dependencies: [],
    });

    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    const [request, options] = getEntitiesByRefs.mock.calls[0];
    expect([...request.entityRefs].sort()).toEqual([
      'group:default/team-orders',
      'group:payments/team-payments',
      'resource:default/orders-db',
      'resource:default/sessions-db',
      'resource:default/users-db',
      'system:default/orders',
      'system:default/unknown-system',
      'user:default/alice',
    ]);
    expect(options).toEqual({
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
    });
  });

  it('makes one request for many entities sharing refs, and chunks beyond 500 refs', async () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      entity('Component', `service-${i}`, {
        type: 'service',
        owner: `team-${i}`,
        system: 'orders',
        dependsOn: ['resource:orders-db'],
      }),
    );
    const { collect, getEntitiesByRefs } = setup(many);

    const { facts } = await collect(many);

    expect(facts.size).toBe(300);
    expect(facts.get('component:default/service-7')).toEqual<CatalogFacts>({
      owner: { ref: 'group:default/team-7', found: false },
      system: { ref: 'system:default/orders', found: true },
      dependencies: [
        expect.objectContaining({
          ref: 'resource:default/orders-db',
          found: true,
        }),
      ],
    });
    // 300 owners + 1 system + 1 database, deduplicated: one request.
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(getEntitiesByRefs.mock.calls[0][0].entityRefs).toHaveLength(302);

    getEntitiesByRefs.mockClear();
    const more = Array.from({ length: 700 }, (_, i) =>
      entity('Component', `job-${i}`, { owner: `team-${i}` }),
    );
    await collect(more);
    expect(
      getEntitiesByRefs.mock.calls.map(
        ([request]) => request.entityRefs.length,
      ),
    ).toEqual([500, 200]);
  });

  it('reports a ref that does not parse as written, not found, without asking the catalog', async () => {
    const { collect, getEntitiesByRefs } = setup();
    const broken = entity('Component', 'broken', {
      owner: 'group:/team-orders',
      system: 'orders',
    });
    const { facts } = await collect([broken]);
    expect(facts.get('component:default/broken')).toEqual<CatalogFacts>({
      owner: { ref: 'group:/team-orders', found: false },
      system: { ref: 'system:default/orders', found: true },
      dependencies: [],
    });
    expect(getEntitiesByRefs.mock.calls[0][0].entityRefs).toEqual([
      'system:default/orders',
    ]);
  });

  it('makes no request when no entity refers to anything', async () => {
    const { collect, getEntitiesByRefs } = setup();
    const { facts } = await collect([orphan]);
    expect(facts.get('component:default/orphan')).toEqual({
      dependencies: [],
    });
    expect(getEntitiesByRefs).not.toHaveBeenCalled();
  });

  it('lets a catalog failure propagate', async () => {
    const { collect, getEntitiesByRefs } = setup();
    getEntitiesByRefs.mockRejectedValue(new Error('catalog answered 503'));
    await expect(collect([ordersApi])).rejects.toThrow('catalog answered 503');
  });
});
