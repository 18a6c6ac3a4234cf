/**
 * Prometheus and Alertmanager checks for Production Readiness for Backstage.
 *
 * @packageDocumentation
 */

export { productionReadinessModulePrometheus as default } from './module';
export { VM_HOSTS_COLLECTOR_ID } from './collectors/VmHostsCollector';
export type { VmHostFact, VmHostsFacts } from './collectors/VmHostsCollector';
export {
  PROMETHEUS_COLLECTOR_ID,
  ALERTMANAGER_COLLECTOR_ID,
} from './collectors/facts';
export type {
  PrometheusFacts,
  PrometheusEntityFacts,
  AlertmanagerFacts,
  AlertmanagerEntityFacts,
  UnconfiguredFacts,
} from './collectors/facts';
