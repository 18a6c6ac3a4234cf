/**
 * Common model of Production Readiness for Backstage: pillars, statuses, checks, results,
 * levels and the gate, entity annotations, permissions and record schemas.
 *
 * @packageDocumentation
 */

export * from './model';
export * from './pillars';
export * from './annotations';
export * from './permissions';
export * from './levels';
export * from './bytes';
export * from './durations';
export * from './summaryTimes';
export * from './records';
export * from './inventory';
export * from './backupPlan';
export * from './highAvailability';
export * from './logService';
export * from './vmRotation';
export * from './waivers';
export * from './entityFilter';
export { describeIssues } from './parse';
export type { ParseResult } from './parse';
