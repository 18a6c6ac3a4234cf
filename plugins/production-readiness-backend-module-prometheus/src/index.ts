/**
 * Prometheus and Alertmanager checks for Production Readiness for Backstage.
 *
 * @packageDocumentation
 */

export { productionReadinessModulePrometheus as default } from './module';
export {
  VM_HOSTS_COLLECTOR_ID,
  VM_HOSTS_FACTS,
} from './collectors/VmHostsCollector';
export type {
  VmHostFact,
  VmHostsFacts,
  VmHostsRead,
} from './collectors/VmHostsCollector';
export {
  PROMETHEUS_COLLECTOR_ID,
  PROMETHEUS_FACTS,
  ALERTMANAGER_COLLECTOR_ID,
  ALERTMANAGER_FACTS,
} from './collectors/facts';
export type {
  PrometheusFacts,
  PrometheusEntityFacts,
  AlertmanagerFacts,
  AlertmanagerEntityFacts,
} from './collectors/facts';
