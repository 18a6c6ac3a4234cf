import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read an entity's readiness report, gate answer and waivers. A resource permission on the
 * catalog entity, so policies can use the catalog's conditions (e.g. owners only).
 *
 * @public
 */
export const productionReadinessReadPermission = createPermission({
  name: 'production-readiness.report.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Re-evaluate an entity's checks now. @public */
export const productionReadinessRefreshPermission = createPermission({
  name: 'production-readiness.report.refresh',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Create or delete waivers for an entity. @public */
export const productionReadinessWaiverManagePermission = createPermission({
  name: 'production-readiness.waiver.manage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Push evidence from external systems (restore-test jobs, load tests). @public */
export const productionReadinessResultsPushPermission = createPermission({
  name: 'production-readiness.results.push',
  attributes: { action: 'create' },
});

/** Every permission of the suite, for registration with the permissions registry. @public */
export const productionReadinessPermissions = [
  productionReadinessReadPermission,
  productionReadinessRefreshPermission,
  productionReadinessWaiverManagePermission,
  productionReadinessResultsPushPermission,
];
