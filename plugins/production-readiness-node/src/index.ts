/**
 * Node library for Production Readiness modules: extension points for checks, batch
 * collectors, pillars and config-declared check types; the check and collector interfaces;
 * helpers; and the shared evaluation path. Test utilities are in `/testUtils`.
 *
 * @packageDocumentation
 */

export * from './backupJobRuns';
export * from './loadBalancerBackends';
export * from './postgresReplication';
export * from './operatorDatabaseClusters';
export * from './deployedImages';
export * from './checks';
export * from './collectors';
export * from './factsEnvelope';
export {
  DEFAULT_NON_STATEFUL_TYPES,
  DEFAULT_STATEFUL_TYPES,
  readStatefulTypes,
} from './coverage';
export * from './extensions';
export { bindEvidence, describeContestedClaim } from './evidenceBinding';
export type {
  ContestedClaim,
  EvidenceClaim,
  FleetClaims,
} from './evidenceBinding';
export { readPositiveDurationMs } from './config';
export {
  DatabasePushedEvidence,
  pushedEvidenceServiceRef,
} from './pushedEvidence';
export type { PushedEvidenceService, PushedRecord } from './pushedEvidence';
export { evaluateCheck } from './evaluation';
export type { CollectorOutcome } from './evaluation';
