import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { AppPermissionPolicy } from './permissionPolicy';

const member: PolicyQueryUser = {
  info: {
    userEntityRef: 'user:default/ada',
    ownershipEntityRefs: ['user:default/ada', 'group:default/team-orders'],
  },
  token: 'token',
  credentials: {} as PolicyQueryUser['credentials'],
};

describe('AppPermissionPolicy', () => {
  const policy = new AppPermissionPolicy();

  it('allows reading catalog entities', async () => {
    await expect(
      policy.handle({ permission: catalogEntityReadPermission }, member),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets only owners unregister an entity', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityDeletePermission },
      member,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/ada', 'group:default/team-orders'],
        },
      },
    });
  });

  it('gives a caller without identity no ownership claims', async () => {
    const decision = await policy.handle({
      permission: catalogEntityDeletePermission,
    });
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { params: { claims: [] } },
    });
  });
});
