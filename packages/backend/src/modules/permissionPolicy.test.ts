import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  productionReadinessReadPermission,
  productionReadinessRefreshPermission,
  productionReadinessResultsPushPermission,
  productionReadinessWaiverManagePermission,
} from '@production-readiness/plugin-production-readiness-common';
import { AppPermissionPolicy, PLATFORM_TEAM } from './permissionPolicy';

const ownership = ['user:default/ada', 'group:default/team-orders'];

const ada: PolicyQueryUser = {
  credentials: mockCredentials.user('user:default/ada'),
  info: { userEntityRef: 'user:default/ada', ownershipEntityRefs: ownership },
};

describe('AppPermissionPolicy', () => {
  const policy = new AppPermissionPolicy(
    mockServices.userInfo({ ownershipEntityRefs: ownership }),
  );

  it('allows reading catalog entities', async () => {
    await expect(
      policy.handle({ permission: catalogEntityReadPermission }, ada),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("lets only an entity's owners unregister it, by the caller's ownership claims", async () => {
    const decision = await policy.handle(
      { permission: catalogEntityDeletePermission },
      ada,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ownership },
      },
    });
  });

  it.each([
    productionReadinessRefreshPermission,
    productionReadinessWaiverManagePermission,
    productionReadinessResultsPushPermission,
  ])(
    'lets owners use $name, and only them unless they are the platform team',
    async permission => {
      await expect(policy.handle({ permission }, ada)).resolves.toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: { rule: 'IS_ENTITY_OWNER', params: { claims: ownership } },
      });
    },
  );

  it('lets the platform team manage the waivers of every entity, and nothing else beyond ownership', async () => {
    const platform = [...ownership, PLATFORM_TEAM];
    const lead: PolicyQueryUser = {
      credentials: mockCredentials.user('user:default/lead'),
      info: {
        userEntityRef: 'user:default/lead',
        ownershipEntityRefs: platform,
      },
    };
    const platformPolicy = new AppPermissionPolicy(
      mockServices.userInfo({ ownershipEntityRefs: platform }),
    );
    await expect(
      platformPolicy.handle(
        { permission: productionReadinessWaiverManagePermission },
        lead,
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      platformPolicy.handle(
        { permission: productionReadinessRefreshPermission },
        lead,
      ),
    ).resolves.toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_ENTITY_OWNER', params: { claims: platform } },
    });
  });

  it('lets everyone read readiness reports', async () => {
    await expect(
      policy.handle({ permission: productionReadinessReadPermission }, ada),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('gives a caller without a user identity no ownership claims', async () => {
    const decision = await policy.handle({
      permission: catalogEntityDeletePermission,
    });
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { params: { claims: [] } },
    });
  });
});
