import { formatDuration } from './durations';
import {
  CheckDefinition,
  CheckStatus,
  CHECK_STATUSES,
  GateAnswer,
  PillarScore,
  Severity,
  SEVERITIES,
} from './model';

/** A readiness level: which severities must all be satisfied. @public */
export interface LevelDefinition {
  name: string;
  severities: Severity[];
}

/**
 * Default levels, lowest first: bronze = every critical check, silver = + major,
 * gold = every check.
 *
 * @public
 */
export const DEFAULT_LEVELS: readonly LevelDefinition[] = [
  { name: 'bronze', severities: ['critical'] },
  { name: 'silver', severities: ['critical', 'major'] },
  { name: 'gold', severities: ['critical', 'major', 'minor'] },
];

/** The level of an entity that does not reach the lowest one; also "nothing required". @public */
export const NO_LEVEL = 'none';

/**
 * Problems of a list of level definitions, empty when it is usable: names must be unique and
 * not `none`, severities known and not repeated, and every level must require everything the
 * level below it requires plus something more (levels are cumulative, lowest first).
 *
 * @public
 */
export function levelDefinitionProblems(
  levels: ReadonlyArray<{ name: string; severities: readonly string[] }>,
): string[] {
  const problems: string[] = [];
  if (levels.length === 0) {
    problems.push('at least one level is needed');
  }
  const names = new Set<string>();
  levels.forEach((level, index) => {
    const at = `level "${level.name}"`;
    if (level.name === NO_LEVEL) {
      problems.push(`"${NO_LEVEL}" is reserved for entities below every level`);
    }
    if (names.has(level.name)) {
      problems.push(`${at} is defined twice`);
    }
    names.add(level.name);
    const unknown = level.severities.filter(
      s => !SEVERITIES.includes(s as Severity),
    );
    if (unknown.length) {
      problems.push(
        `${at} has unknown severit${
          unknown.length === 1 ? 'y' : 'ies'
        } ${unknown.map(s => `"${s}"`).join(', ')} (known: ${SEVERITIES.join(
          ', ',
        )})`,
      );
    }
    if (new Set(level.severities).size !== level.severities.length) {
      problems.push(`${at} lists a severity twice`);
    }
    if (level.severities.length === 0) {
      problems.push(`${at} requires no severity`);
    }
    const below = levels[index - 1];
    if (below) {
      const missing = below.severities.filter(
        s => !level.severities.includes(s),
      );
      if (missing.length) {
        problems.push(
          `${at} is not cumulative: it drops ${missing.join(', ')}, which "${
            below.name
          }" below it requires`,
        );
      } else if (level.severities.length === below.severities.length) {
        problems.push(
          `${at} requires the same severities as "${below.name}" below it`,
        );
      }
    }
  });
  return problems;
}

/** Gate reason: the entity has never been evaluated. @public */
export const GATE_NEVER_EVALUATED = 'gate.never-evaluated';

/** Gate reason: the entity's newest results are older than the gate trusts. @public */
export const GATE_STALE_RESULTS = 'gate.stale-results';

const SEVERITY_WEIGHT: Record<Severity, number> = {
  critical: 3,
  major: 2,
  minor: 1,
};

/**
 * Whether a result counts towards a level: `pass`, `warn` (met, with a note) and `waived`.
 * `unknown` and `error` do not: missing or broken data never lets an entity through.
 *
 * @public
 */
export function isSatisfied(status: CheckStatus): boolean {
  return status === 'pass' || status === 'warn' || status === 'waived';
}

/** A result joined with the definition of its check. @public */
export interface GradedResult {
  check: Pick<CheckDefinition, 'id' | 'title' | 'severity' | 'pillar'>;
  status: CheckStatus;
  summary: string;
}

/** The highest level whose checks (and those of every lower level) are all satisfied. @public */
export function achievedLevel(
  results: GradedResult[],
  levels: readonly LevelDefinition[] = DEFAULT_LEVELS,
): string {
  let achieved = NO_LEVEL;
  for (const level of levels) {
    const holds = results
      .filter(r => level.severities.includes(r.check.severity))
      .every(r => isSatisfied(r.status));
    if (!holds) {
      break;
    }
    achieved = level.name;
  }
  return achieved;
}

/** Index of a level in `levels`; -1 for `none`; throws for a name that is not configured. @public */
export function levelRank(
  name: string,
  levels: readonly LevelDefinition[] = DEFAULT_LEVELS,
): number {
  if (name === NO_LEVEL) {
    return -1;
  }
  const index = levels.findIndex(l => l.name === name);
  if (index < 0) {
    throw new Error(
      `Unknown level "${name}"; configured levels are ${[
        NO_LEVEL,
        ...levels.map(l => l.name),
      ].join(', ')}`,
    );
  }
  return index;
}

/**
 * The gate's answer: allowed when the achieved level is at least the required one and the
 * results can be trusted. Blocking lists every unsatisfied check whose severity the required
 * level includes, worst first. When a level is required, the gate fails closed: an entity
 * never evaluated (`evaluatedAt` undefined) or evaluated longer than `maxResultAgeMs` ago is
 * blocked with that reason, whatever its stored results say.
 *
 * @public
 */
export function evaluateGate(options: {
  entityRef: string;
  results: GradedResult[];
  requiredLevel: string;
  levels?: readonly LevelDefinition[];
  /** When the entity was last evaluated; undefined when never (required, so no caller forgets it). */
  evaluatedAt: Date | undefined;
  /** Results older than this block the gate; no limit when undefined. */
  maxResultAgeMs?: number;
  now?: Date;
}): GateAnswer {
  const levels = options.levels ?? DEFAULT_LEVELS;
  const { evaluatedAt, maxResultAgeMs } = options;
  const now = options.now ?? new Date();
  const achieved = evaluatedAt
    ? achievedLevel(options.results, levels)
    : NO_LEVEL;
  const requiredRank = levelRank(options.requiredLevel, levels);
  const required = requiredRank >= 0 ? levels[requiredRank] : undefined;
  const reasons: GateAnswer['blocking'] = [];
  if (required && !evaluatedAt) {
    reasons.push({
      checkId: GATE_NEVER_EVALUATED,
      title: 'Never evaluated',
      severity: 'critical',
      status: 'unknown',
      summary: `${options.entityRef} has not been evaluated yet, so nothing shows it reaches ${required.name}: wait for the next scheduled refresh or press "Re-run checks"`,
    });
  }
  const age = evaluatedAt ? now.getTime() - evaluatedAt.getTime() : 0;
  if (required && maxResultAgeMs !== undefined && age > maxResultAgeMs) {
    reasons.push({
      checkId: GATE_STALE_RESULTS,
      title: 'Results too old',
      severity: 'critical',
      status: 'unknown',
      summary: `The newest results are ${formatDuration(
        age,
      )} old (evaluated ${evaluatedAt!.toISOString()}), older than the ${formatDuration(
        maxResultAgeMs,
      )} the gate trusts: the engine has stopped evaluating this entity`,
    });
  }
  const blocking = required
    ? options.results
        .filter(
          r =>
            required.severities.includes(r.check.severity) &&
            !isSatisfied(r.status),
        )
        .sort(
          (a, b) =>
            SEVERITY_WEIGHT[b.check.severity] -
              SEVERITY_WEIGHT[a.check.severity] ||
            a.check.id.localeCompare(b.check.id),
        )
        .map(r => ({
          checkId: r.check.id,
          title: r.check.title,
          severity: r.check.severity,
          status: r.status,
          summary: r.summary,
        }))
    : [];
  return {
    entityRef: options.entityRef,
    requiredLevel: options.requiredLevel,
    achievedLevel: achieved,
    allowed:
      reasons.length === 0 && levelRank(achieved, levels) >= requiredRank,
    evaluatedAt: evaluatedAt?.toISOString(),
    blocking: [...reasons, ...blocking],
  };
}

function emptyCounts(): Record<CheckStatus, number> {
  return Object.fromEntries(CHECK_STATUSES.map(s => [s, 0])) as Record<
    CheckStatus,
    number
  >;
}

function weightedScore(results: GradedResult[]): number {
  const total = results.reduce(
    (n, r) => n + SEVERITY_WEIGHT[r.check.severity],
    0,
  );
  if (total === 0) {
    return 0;
  }
  const satisfied = results
    .filter(r => isSatisfied(r.status))
    .reduce((n, r) => n + SEVERITY_WEIGHT[r.check.severity], 0);
  return Math.round((100 * satisfied) / total);
}

/**
 * Scores per pillar and overall, 0..100: the severity-weighted share of satisfied checks
 * (critical 3, major 2, minor 1). Pillars without applicable checks are left out.
 *
 * @public
 */
export function scoreResults(results: GradedResult[]): {
  score: number;
  pillars: PillarScore[];
  counts: Record<CheckStatus, number>;
} {
  const byPillar = new Map<string, GradedResult[]>();
  const counts = emptyCounts();
  for (const result of results) {
    counts[result.status] += 1;
    const list = byPillar.get(result.check.pillar) ?? [];
    list.push(result);
    byPillar.set(result.check.pillar, list);
  }
  const pillars = [...byPillar.entries()].map(([pillar, list]) => {
    const pillarCounts = emptyCounts();
    for (const r of list) pillarCounts[r.status] += 1;
    return { pillar, score: weightedScore(list), counts: pillarCounts };
  });
  return { score: weightedScore(results), pillars, counts };
}
