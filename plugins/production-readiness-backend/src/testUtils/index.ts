/**
 * Test utilities for Production Readiness modules: a test backend with the real engine.
 *
 * @packageDocumentation
 */

export { startReadinessTestBackend } from './startReadinessTestBackend';
export type { ReadinessTestBackend } from './startReadinessTestBackend';
