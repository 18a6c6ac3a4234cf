/**
 * Kubernetes module for Production Readiness: availability, security, logging, backup and
 * monitoring facts from the live clusters, collected in one batch per cluster and kind.
 *
 * @packageDocumentation
 */

export { productionReadinessModuleKubernetes as default } from './module';
export { KUBERNETES_COLLECTOR_ID } from './collector/facts';
export type {
  KubernetesFacts,
  WorkloadFact,
  CronJobFact,
  IngressFact,
  VeleroFact,
  SourceState,
} from './collector/facts';
export { PURPOSE_LABEL } from './collector/buildFacts';
