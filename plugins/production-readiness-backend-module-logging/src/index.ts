/**
 * Logging module for Production Readiness: logs reach a central log store (VictoriaLogs or
 * Grafana Loki), are structured, carry trace ids, and are kept as long as declared.
 *
 * @packageDocumentation
 */

export { productionReadinessModuleLogging as default } from './module';
