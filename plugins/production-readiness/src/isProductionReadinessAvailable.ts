import { Entity } from '@backstage/catalog-model';

const EVALUATED_KINDS = ['component', 'resource', 'system', 'api'];

/**
 * Whether the readiness engine evaluates this kind of entity (the default
 * `productionReadiness.entityKinds`). Use it to show the tab and card.
 *
 * @public
 */
export function isProductionReadinessAvailable(entity: Entity): boolean {
  return EVALUATED_KINDS.includes(entity.kind.toLocaleLowerCase('en-US'));
}
