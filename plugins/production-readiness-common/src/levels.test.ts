import {
  achievedLevel,
  evaluateGate,
  GradedResult,
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
    });
    expect(gate).toEqual({
      entityRef: 'component:default/payments-api',
      requiredLevel: 'silver',
      achievedLevel: 'bronze',
      allowed: false,
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
    });
    expect(gate.allowed).toBe(true);
    expect(gate.blocking).toEqual([]);
  });

  it('allows anything when no level is required', () => {
    expect(
      evaluateGate({ entityRef: 'x', results, requiredLevel: 'none' }).allowed,
    ).toBe(true);
  });

  it('rejects a level that is not configured', () => {
    expect(() =>
      evaluateGate({ entityRef: 'x', results, requiredLevel: 'platinum' }),
    ).toThrow(
      'Unknown level "platinum"; configured levels are none, bronze, silver, gold',
    );
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
