/**
 * Web library of Production Readiness: the API ref and client, hooks, and status and level
 * widgets for plugins that show readiness.
 *
 * @packageDocumentation
 */

export * from './api';
export * from './hooks';
export * from './components';
