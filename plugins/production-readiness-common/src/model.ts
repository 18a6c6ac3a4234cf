/**
 * The outcome of one check for one entity.
 *
 * - `pass`: the requirement is met.
 * - `warn`: met, with something the owner should look at (does not block a level).
 * - `fail`: not met.
 * - `unknown`: the data source has no data for this entity (not configured, annotation
 *   missing); the summary says what to configure.
 * - `error`: the data source failed (timeout, 5xx, auth, garbage); never reported as `fail`
 *   or `pass`.
 * - `waived`: an active waiver covers the check; the underlying status is kept beside it.
 *
 * @public
 */
export type CheckStatus =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'unknown'
  | 'error'
  | 'waived';

/** @public */
export const CHECK_STATUSES: readonly CheckStatus[] = [
  'pass',
  'warn',
  'fail',
  'unknown',
  'error',
  'waived',
];

/** Statuses an evaluator may return (`waived` is applied by the engine only). @public */
export type EvaluatedStatus = Exclude<CheckStatus, 'waived'>;

/** @public */
export const EVALUATED_STATUSES: readonly EvaluatedStatus[] = [
  'pass',
  'warn',
  'fail',
  'unknown',
  'error',
];

/** @public */
export type Severity = 'critical' | 'major' | 'minor';

/** @public */
export const SEVERITIES: readonly Severity[] = ['critical', 'major', 'minor'];

/**
 * Which entities a check applies to. Every given field must match; within a field, any value
 * matches. Comparisons of kind, type and lifecycle ignore case.
 *
 * @public
 */
export interface EntityFilter {
  kind?: string[];
  type?: string[];
  /** Types that do not match (e.g. `library`, `documentation`). */
  notType?: string[];
  lifecycle?: string[];
  /**
   * Runtimes the entity declares in `production-readiness.io/runtime` (`kubernetes` when it
   * declares none), e.g. `[vm]` for a check that judges services on virtual machines.
   */
  runtime?: string[];
  /** Annotations that must be present (any value). */
  hasAnnotations?: string[];
  /** Alternatives: at least one must match too (for "databases, or anything with a backup"). */
  anyOf?: EntityFilter[];
}

/** What a check is, independent of any entity. @public */
export interface CheckDefinition {
  /** Stable id, `<pillar>.<name>` by convention, e.g. `backup.restore-tested`. */
  id: string;
  pillar: string;
  title: string;
  description: string;
  severity: Severity;
  /**
   * Where the check runs when its pillar does not cover the entity: entities that opted in,
   * usually by declaring what the check reads (an annotation). No filter matches everything.
   */
  appliesTo?: EntityFilter;
  /**
   * Where the check is required when its pillar covers the entity (coverage is decided by what
   * the entity is: see the backend's `productionReadiness.coverage`). A required check that
   * finds nothing declared fails and says what to declare. Default: `appliesTo`.
   */
  requiredOf?: EntityFilter;
  /**
   * The runtime whose evidence the check reads, e.g. `kubernetes`. On an entity declaring
   * another runtime the check is `unknown` (saying what evidence is expected instead), unless a
   * check for that runtime covers the same pillar, which then replaces it.
   */
  runtime?: string;
  /** Link to documentation of the requirement. */
  docsUrl?: string;
  /** What to do when the check does not pass. */
  remediation: string;
  /** Where the check's data comes from (collector ids), for display. */
  sources?: string[];
}

/**
 * One piece of evidence behind a result: what was looked at and what was found.
 *
 * @public
 */
export interface Evidence {
  /** What was looked at, e.g. "newest pgBackRest backup". */
  label: string;
  /** What was found; structured values are shown as JSON. */
  value?:
    | string
    | number
    | boolean
    | null
    | Record<string, unknown>
    | unknown[];
  /** The system the evidence comes from, e.g. "prometheus:main" or "catalog". */
  source?: string;
  /** When the observed thing happened or was observed (ISO 8601). */
  timestamp?: string;
  /** A link to see the evidence in its system. */
  url?: string;
}

/**
 * A waiver of a result. An `annotation` waiver is a request by the owner until someone with
 * the waiver permission on the entity approves it; an `api` waiver is created approved.
 * Only an `approved` waiver turns a result into `waived`.
 *
 * @public
 */
export interface AppliedWaiver {
  origin: 'annotation' | 'api';
  /**
   * `requested`: an annotation request nobody approved yet (shown, never applied);
   * `approved`: applies until `expiresAt`; `expired`: it lapsed after the evaluation, so the
   * result reads as its underlying status again.
   */
  state: 'requested' | 'approved' | 'expired';
  reason: string;
  /** ISO 8601 date-time after which the waiver no longer applies. */
  expiresAt: string;
  /** Who asked for it: the entity's owner for annotation requests. */
  requestedBy?: string;
  /** Who approved it (or created it through the API). */
  approvedBy?: string;
  /** When it was approved (ISO 8601). */
  approvedAt?: string;
  /** @deprecated the approver; kept for readers of results stored before approvals. */
  createdBy?: string;
}

/** The latest result of one check for one entity. @public */
export interface CheckResult {
  checkId: string;
  status: CheckStatus;
  /** The evaluator's status; differs from `status` only when waived. */
  underlyingStatus: EvaluatedStatus;
  summary: string;
  evidence: Evidence[];
  remediation?: string;
  /** The approved waiver that applies, or the owner's request that waits for approval. */
  waiver?: AppliedWaiver;
  /** When the status last changed (ISO 8601). */
  changedAt: string;
  /** When the check last ran (ISO 8601). */
  evaluatedAt: string;
}

/** Score of one pillar: weighted share of satisfied checks, 0..100. @public */
export interface PillarScore {
  pillar: string;
  score: number;
  counts: Record<CheckStatus, number>;
}

/** The production gate's answer for one entity. @public */
export interface GateAnswer {
  entityRef: string;
  /** The level asked for, or the one required by the entity's lifecycle. */
  requiredLevel: string;
  achievedLevel: string;
  allowed: boolean;
  /** When the results the answer rests on were evaluated (ISO 8601); undefined when never. */
  evaluatedAt?: string;
  /**
   * What stands between the entity and the required level: unsatisfied checks, and the
   * gate's own reasons (`gate.never-evaluated`, `gate.stale-results`) when the results are
   * missing or too old to trust.
   */
  blocking: Array<{
    checkId: string;
    title: string;
    severity: Severity;
    status: CheckStatus;
    summary: string;
  }>;
}

/** One change of a check's status, for the history. @public */
export interface HistoryEntry {
  checkId: string;
  status: CheckStatus;
  summary: string;
  /** When this status was first seen. */
  firstSeen: string;
  /** When this status was last seen. */
  lastSeen: string;
}

/** The score and level of an entity at a point in time. @public */
export interface ScorePoint {
  at: string;
  score: number;
  level: string;
}

/** Everything the Production Readiness tab shows for one entity. @public */
export interface ReadinessReport {
  entityRef: string;
  /** When the newest result was evaluated; undefined before the first evaluation. */
  evaluatedAt?: string;
  score: number;
  pillars: PillarScore[];
  gate: GateAnswer;
  results: CheckResult[];
  /** Recent status changes, newest first. */
  history: HistoryEntry[];
  /** Score trend, oldest first. */
  trend: ScorePoint[];
  /** The newest records pushed for the entity through `POST /results`, newest first. */
  pushed: PushedEvidenceEntry[];
}

/**
 * A record a job pushed for the entity (a restore test, a backup run, a load test), as its
 * tab lists it: what, when, and who pushed it.
 *
 * @public
 */
export interface PushedEvidenceEntry {
  id: string;
  type: string;
  /** When the evidence was produced, as the pusher says. */
  observedAt: string;
  /** A user ref or `service:<subject>`. */
  pushedBy: string;
  receivedAt: string;
  /** The payload's `status`, when it has one (every built-in type has). */
  status?: string;
  /** The payload's `logUrl`, when it has one. */
  logUrl?: string;
}

/**
 * Evidence an entity selects but does not hold: other entities select it too and it names
 * none of them (`contested`), or it names another entity (`named-other`). It counts for no
 * one until settled.
 *
 * @public
 */
export interface ContestedEvidence {
  /** What kind of evidence, e.g. `kubernetes-workload`, `prometheus-service`, `backup-prefix`. */
  kind: string;
  /** The evidence, e.g. `prod-eu/shop/Deployment/orders-api`. */
  id: string;
  /** How this entity selects it, e.g. `backstage.io/kubernetes-id=orders-api`. */
  how: string;
  reason: 'contested' | 'named-other';
  /** The entity the evidence names, for `named-other`. */
  namedEntity?: string;
  /** The other entities selecting it (or overlapping evidence), and how. */
  others: Array<{ entityRef: string; id: string; how: string }>;
  /** How to settle it. */
  settle: string;
}

/** One row of the fleet overview. @public */
export interface OverviewEntry {
  entityRef: string;
  title?: string;
  kind: string;
  type?: string;
  lifecycle?: string;
  owner?: string;
  score: number;
  achievedLevel: string;
  requiredLevel: string;
  allowed: boolean;
  pillars: Record<string, number>;
  counts: Record<CheckStatus, number>;
  evaluatedAt?: string;
  /** Evidence the entity selects but does not hold; absent when it holds all it selects. */
  contested?: ContestedEvidence[];
}
