export {
  default,
  productionReadinessApi,
  productionReadinessEntityCard,
  productionReadinessEntityContent,
  productionReadinessPage,
} from './plugin';
