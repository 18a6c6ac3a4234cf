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

/**
 * Push evidence for an entity (restore tests, backup runs, load tests) through
 * `POST /results`. A resource permission on the catalog entity, so that a policy grants it
 * to the entity's owners (`isEntityOwner`). Service principals are allowed by Backstage's
 * permission framework; the plugin lets only those named in
 * `productionReadiness.pushedResults.principals` push, each for its entities.
 *
 * @public
 */
export const productionReadinessResultsPushPermission = createPermission({
  name: 'production-readiness.results.push',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission of the suite, for registration with the permissions registry. @public */
export const productionReadinessPermissions = [
  productionReadinessReadPermission,
  productionReadinessRefreshPermission,
  productionReadinessWaiverManagePermission,
  productionReadinessResultsPushPermission,
];
