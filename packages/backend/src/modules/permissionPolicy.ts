import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  productionReadinessRefreshPermission,
  productionReadinessResultsPushPermission,
  productionReadinessWaiverManagePermission,
} from '@production-readiness/plugin-production-readiness-common';

/**
 * Actions only an entity's owners may take on it. (Service principals, e.g. restore-test jobs
 * pushing results with a static token, never reach the policy: the readiness backend lets
 * those named in productionReadiness.pushedResults.principals push.)
 */
const OWNER_ONLY = [
  catalogEntityDeletePermission,
  productionReadinessRefreshPermission,
  productionReadinessWaiverManagePermission,
  productionReadinessResultsPushPermission,
];

/** The group that approves waivers of every entity (examples/org.yaml). */
export const PLATFORM_TEAM = 'group:default/platform';

/**
 * The demo app's permission policy: everyone may read and create; only an entity's owners
 * may unregister it, re-run its readiness checks or push its evidence. Waivers may be managed by the owners and
 * by the platform team; the readiness backend itself refuses owners who approve their own
 * requests or waive their own critical checks, so approvals come from the platform team.
 */
export class AppPermissionPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const ownerOnly = OWNER_ONLY.find(p => isPermission(request.permission, p));
    if (ownerOnly) {
      const claims = user
        ? (await this.userInfo.getUserInfo(user.credentials))
            .ownershipEntityRefs
        : [];
      if (
        ownerOnly === productionReadinessWaiverManagePermission &&
        claims.includes(PLATFORM_TEAM)
      ) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createCatalogConditionalDecision(
        ownerOnly,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'app-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new AppPermissionPolicy(userInfo));
      },
    });
  },
});
