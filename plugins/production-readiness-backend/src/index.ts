/**
 * Production Readiness backend plugin.
 *
 * @packageDocumentation
 */

export { productionReadinessPlugin as default } from './plugin';
