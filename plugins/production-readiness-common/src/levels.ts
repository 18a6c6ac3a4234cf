import {
  CheckDefinition,
  CheckStatus,
  CHECK_STATUSES,
  GateAnswer,
  PillarScore,
  Severity,
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
 * The gate's answer: allowed when the achieved level is at least the required one; blocking
 * lists every unsatisfied check whose severity the required level includes, worst first.
 *
 * @public
 */
export function evaluateGate(options: {
  entityRef: string;
  results: GradedResult[];
  requiredLevel: string;
  levels?: readonly LevelDefinition[];
}): GateAnswer {
  const levels = options.levels ?? DEFAULT_LEVELS;
  const achieved = achievedLevel(options.results, levels);
  const requiredRank = levelRank(options.requiredLevel, levels);
  const required = requiredRank >= 0 ? levels[requiredRank] : undefined;
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
    allowed: levelRank(achieved, levels) >= requiredRank,
    blocking,
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
