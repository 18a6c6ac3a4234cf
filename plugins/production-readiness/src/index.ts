/**
 * Production Readiness frontend plugin: the entity tab, the overview card and the fleet page.
 * Apps on the new frontend system use the `/alpha` export.
 *
 * @packageDocumentation
 */

export {
  productionReadinessPlugin,
  ProductionReadinessPage,
  EntityProductionReadinessContent,
  EntityProductionReadinessCard,
} from './plugin';
export { isProductionReadinessAvailable } from './isProductionReadinessAvailable';
export { rootRouteRef } from './routes';
