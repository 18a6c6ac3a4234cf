import { Entity } from '@backstage/catalog-model';
import {
  CheckDefinition,
  CheckStatus,
  EvaluatedStatus,
  Evidence,
} from '@production-readiness/plugin-production-readiness-common';
import type { FactCollectorRef } from './factsEnvelope';

/** What an evaluator returns for one entity. @public */
export interface CheckEvaluation {
  status: EvaluatedStatus;
  /** One line: what was found, with the numbers that matter. */
  summary: string;
  evidence?: Evidence[];
  /** Overrides the check's generic remediation with one specific to this entity. */
  remediation?: string;
}

/** What an evaluator sees of one entity. @public */
export interface CheckContext {
  entity: Entity;
  entityRef: string;
  now: Date;
  /**
   * The facts a collector gathered for this entity, or undefined when it has none (the
   * collector does not apply to the entity or found nothing). Failures of collectors listed
   * in the check's `collectors` never reach the evaluator: the engine reports `error`.
   */
  facts<T>(collectorId: string): T | undefined;
  /** The same, typed by the collector's reference (`createFactCollectorRef`). */
  facts<T>(collector: FactCollectorRef<T>): T | undefined;
  /**
   * The current results of another entity (e.g. a database the entity depends on), or
   * undefined when that entity was never evaluated. Only for checks with
   * `readsOtherResults: true`, which the engine evaluates after every other check.
   */
  resultsOf?(entityRef: string): Promise<OtherEntityResult[] | undefined>;
}

/** A result of another entity, as `CheckContext.resultsOf` returns it. @public */
export interface OtherEntityResult {
  checkId: string;
  title: string;
  pillar: string;
  severity: CheckDefinition['severity'];
  status: CheckStatus;
  summary: string;
}

/**
 * A readiness check: its definition plus an evaluator that decides from collected facts,
 * in memory, without calling upstream systems itself.
 *
 * @public
 */
export interface ReadinessCheck extends CheckDefinition {
  /** Ids of the collectors whose facts the evaluator reads. */
  collectors: string[];
  /**
   * Ids of collectors the evaluator reads where an installed module provides them, e.g.
   * `BACKUP_JOB_RUNS_COLLECTOR_ID`, which the Kubernetes module provides. Installed, they are
   * read like `collectors` (a failure gives `error`, contested evidence `fail`); not installed,
   * `facts` answers undefined and the evaluator says what it could not read.
   */
  optionalCollectors?: string[];
  /** Reads other entities' results through `context.resultsOf`; evaluated last. */
  readsOtherResults?: boolean;
  evaluate(context: CheckContext): CheckEvaluation | Promise<CheckEvaluation>;
}

/**
 * The collectors a check reads: its `collectors`, and those of its `optionalCollectors` that
 * are installed.
 *
 * @public
 */
export function collectorsReadBy(
  check: Pick<ReadinessCheck, 'collectors' | 'optionalCollectors'>,
  isInstalled: (collectorId: string) => boolean,
): string[] {
  return [
    ...check.collectors,
    ...(check.optionalCollectors ?? []).filter(isInstalled),
  ];
}

/** Declares a check; returns it unchanged, typed. @public */
export function createReadinessCheck(check: ReadinessCheck): ReadinessCheck {
  return check;
}

/** Result builders for evaluators. @public */
export const checkResult = {
  pass: (summary: string, evidence?: Evidence[]): CheckEvaluation => ({
    status: 'pass',
    summary,
    evidence,
  }),
  warn: (
    summary: string,
    evidence?: Evidence[],
    remediation?: string,
  ): CheckEvaluation => ({ status: 'warn', summary, evidence, remediation }),
  fail: (
    summary: string,
    evidence?: Evidence[],
    remediation?: string,
  ): CheckEvaluation => ({ status: 'fail', summary, evidence, remediation }),
  /** No data for this entity: say what to configure. */
  unknown: (
    summary: string,
    evidence?: Evidence[],
    remediation?: string,
  ): CheckEvaluation => ({ status: 'unknown', summary, evidence, remediation }),
  /** The data source failed: say how. */
  error: (summary: string, evidence?: Evidence[]): CheckEvaluation => ({
    status: 'error',
    summary,
    evidence,
  }),
};
