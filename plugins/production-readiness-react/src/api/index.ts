export { productionReadinessApiRef } from './ProductionReadinessApi';
export type {
  CheckCatalogue,
  OverviewFilter,
  ProductionReadinessApi,
  Waiver,
} from './ProductionReadinessApi';
export { ProductionReadinessClient } from './ProductionReadinessClient';
export { errorMessage } from './errorMessage';
