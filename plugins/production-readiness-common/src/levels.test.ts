import {
  achievedLevel,
  DEFAULT_LEVELS,
  evaluateGate,
  GATE_NEVER_EVALUATED,
  GATE_STALE_RESULTS,
  GradedResult,
  levelDefinitionProblems,
  scoreResults,
} from './levels';
import { CheckStatus, Severity } from './model';

function result(
  id: string,
  severity: Severity,
  status: CheckStatus,
  pillar = 'backup',
): GradedResult {
  return {
    check: { id, title: id, severity, pillar },
    status,
    summary: `${id} is ${status}`,
  };
}

describe('achievedLevel', () => {
  it('reaches gold when every check is satisfied, counting warn and waived', () => {
    expect(
      achievedLevel([
        result('a', 'critical', 'pass'),
        result('b', 'major', 'warn'),
        result('c', 'minor', 'waived'),
      ]),
    ).toBe('gold');
  });

  it('stops at the first level with an unsatisfied check', () => {
    expect(
      achievedLevel([
        result('a', 'critical', 'pass'),
        result('b', 'major', 'fail'),
        result('c', 'minor', 'pass'),
      ]),
    ).toBe('bronze');
  });

  it('never lets unknown or error through', () => {
    expect(achievedLevel([result('a', 'critical', 'unknown')])).toBe('none');
    expect(achievedLevel([result('a', 'critical', 'error')])).toBe('none');
  });
});

describe('evaluateGate', () => {
  const results = [
    result('backup.fresh', 'critical', 'pass'),
    result('availability.pdb', 'major', 'fail'),
    result('monitoring.routed', 'major', 'error'),
    result('documentation.runbook', 'minor', 'fail'),
  ];

  it('blocks when the achieved level is below the required one and lists the blockers', () => {
    const gate = evaluateGate({
      entityRef: 'component:default/payments-api',
      results,
      requiredLevel: 'silver',
      evaluatedAt: new Date('2026-12-01T10:00:00Z'),
    });
    expect(gate).toEqual({
      entityRef: 'component:default/payments-api',
      requiredLevel: 'silver',
      achievedLevel: 'bronze',
      allowed: false,
      evaluatedAt: '2026-12-01T10:00:00.000Z',
      blocking: [
        expect.objectContaining({
          checkId: 'availability.pdb',
          status: 'fail',
        }),
        expect.objectContaining({
          checkId: 'monitoring.routed',
          status: 'error',
        }),
      ],
    });
  });

  it('allows when the required level is reached', () => {
    const gate = evaluateGate({
      entityRef: 'component:default/payments-api',
      results,
      requiredLevel: 'bronze',
      evaluatedAt: new Date(),
    });
    expect(gate.allowed).toBe(true);
    expect(gate.blocking).toEqual([]);
  });

  it('allows anything when no level is required, evaluated or not', () => {
    for (const evaluatedAt of [new Date(), undefined]) {
      expect(
        evaluateGate({
          entityRef: 'x',
          results,
          requiredLevel: 'none',
          evaluatedAt,
        }).allowed,
      ).toBe(true);
    }
  });

  it('blocks an entity that was never evaluated, saying so', () => {
    const gate = evaluateGate({
      entityRef: 'component:default/new-api',
      results: [],
      requiredLevel: 'bronze',
      evaluatedAt: undefined,
    });
    expect(gate.allowed).toBe(false);
    expect(gate.achievedLevel).toBe('none');
    expect(gate.blocking).toEqual([
      expect.objectContaining({
        checkId: GATE_NEVER_EVALUATED,
        summary: expect.stringContaining('has not been evaluated yet'),
      }),
    ]);
  });

  it('blocks results older than the gate trusts, even when every check passed', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const passing = [result('backup.fresh', 'critical', 'pass')];
    const stale = evaluateGate({
      entityRef: 'x',
      results: passing,
      requiredLevel: 'bronze',
      evaluatedAt: new Date('2026-11-25T12:00:00Z'),
      maxResultAgeMs: 30 * 60_000,
      now,
    });
    expect(stale.allowed).toBe(false);
    expect(stale.achievedLevel).toBe('gold');
    expect(stale.blocking).toEqual([
      expect.objectContaining({
        checkId: GATE_STALE_RESULTS,
        summary: expect.stringMatching(
          /^The newest results are 7d old \(evaluated 2026-11-25T12:00:00.000Z\), older than the 30m/,
        ),
      }),
    ]);
    const fresh = evaluateGate({
      entityRef: 'x',
      results: passing,
      requiredLevel: 'bronze',
      evaluatedAt: new Date('2026-12-02T11:45:00Z'),
      maxResultAgeMs: 30 * 60_000,
      now,
    });
    expect(fresh.allowed).toBe(true);
  });

  it('rejects a level that is not configured', () => {
    expect(() =>
      evaluateGate({
        entityRef: 'x',
        results,
        requiredLevel: 'platinum',
        evaluatedAt: new Date(),
      }),
    ).toThrow(
      'Unknown level "platinum"; configured levels are none, bronze, silver, gold',
    );
  });
});

describe('levelDefinitionProblems', () => {
  it('accepts the default levels', () => {
    expect(levelDefinitionProblems(DEFAULT_LEVELS)).toEqual([]);
  });

  it('names levels that are not cumulative, duplicated, reserved or use unknown severities', () => {
    expect(
      levelDefinitionProblems([
        { name: 'bronze', severities: ['critical'] },
        { name: 'silver', severities: ['major'] },
        { name: 'silver', severities: ['critical', 'major', 'blocker'] },
        { name: 'none', severities: ['critical', 'major', 'blocker'] },
      ]),
    ).toEqual([
      'level "silver" is not cumulative: it drops critical, which "bronze" below it requires',
      'level "silver" is defined twice',
      'level "silver" has unknown severity "blocker" (known: critical, major, minor)',
      '"none" is reserved for entities below every level',
      'level "none" has unknown severity "blocker" (known: critical, major, minor)',
      'level "none" requires the same severities as "silver" below it',
    ]);
  });
});

describe('scoreResults', () => {
  it('weights by severity per pillar and overall', () => {
    const scores = scoreResults([
      result('a', 'critical', 'pass', 'backup'),
      result('b', 'minor', 'fail', 'backup'),
      result('c', 'major', 'unknown', 'monitoring'),
    ]);
    expect(scores.score).toBe(50); // 3 of 6
    expect(scores.pillars).toEqual([
      expect.objectContaining({ pillar: 'backup', score: 75 }),
      expect.objectContaining({ pillar: 'monitoring', score: 0 }),
    ]);
    expect(scores.counts).toMatchObject({ pass: 1, fail: 1, unknown: 1 });
  });
});
