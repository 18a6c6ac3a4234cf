import { parseBackupPlan } from './backupPlan';
import { parseDuration } from './durations';
import { matchesEntityFilter } from './entityFilter';
import { parseWaiverAnnotation } from './waivers';

const plan = `
what: orders database, all schemas including users and roles
method: incremental
schedule: "0 2 * * *"
fullSchedule: "0 3 * * 0"
rpo: 24h
rto: PT2H
retention: 14d
procedure: https://runbooks.example.com/orders-db/restore
`;

describe('parseBackupPlan', () => {
  it('reads a complete plan with durations in milliseconds', () => {
    const parsed = parseBackupPlan({
      'production-readiness.io/backup-plan': plan,
    });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({
        method: 'incremental',
        rpo: 24 * 3600_000,
        rto: 2 * 3600_000,
        retention: 14 * 86_400_000,
      }),
    });
  });

  it('says the annotation is missing', () => {
    expect(parseBackupPlan({})).toEqual({
      ok: false,
      error: 'annotation production-readiness.io/backup-plan is missing',
    });
  });

  it('names every invalid field', () => {
    const parsed = parseBackupPlan({
      'production-readiness.io/backup-plan': plan
        .replace('rpo: 24h', 'rpo: soon')
        .replace('method: incremental', 'method: snapshot'),
    });
    expect(parsed.ok).toBe(false);
    const error = (parsed as { error: string }).error;
    expect(error).toMatch(
      /^annotation production-readiness.io\/backup-plan is invalid: /,
    );
    expect(error).toContain('method: Invalid option');
    expect(error).toContain(
      'rpo: must be a duration such as 30m, 24h, 7d or PT24H',
    );
  });

  it('requires a full schedule for incremental plans', () => {
    const parsed = parseBackupPlan({
      'production-readiness.io/backup-plan': plan.replace(
        'fullSchedule: "0 3 * * 0"\n',
        '',
      ),
    });
    expect(parsed).toEqual({
      ok: false,
      error:
        'annotation production-readiness.io/backup-plan is invalid: fullSchedule: incremental and differential plans also need fullSchedule',
    });
  });

  it('reports YAML syntax errors', () => {
    const parsed = parseBackupPlan({
      'production-readiness.io/backup-plan': 'what: [unclosed',
    });
    expect(parsed.ok).toBe(false);
    expect((parsed as { error: string }).error).toMatch(/is not valid YAML/);
  });
});

describe('parseWaiverAnnotation', () => {
  const now = new Date('2026-11-22T00:00:00Z');

  it('reads waivers; a bare date expires at the end of that day', () => {
    expect(
      parseWaiverAnnotation(
        {
          'production-readiness.io/waivers':
            '- check: availability.pdb\n  until: 2026-12-31\n  reason: batch worker with one replica',
        },
        now,
      ),
    ).toEqual({
      ok: true,
      value: [
        {
          checkId: 'availability.pdb',
          reason: 'batch worker with one replica',
          expiresAt: '2026-12-31T23:59:59.999Z',
        },
      ],
    });
  });

  it('treats a missing annotation as no waivers', () => {
    expect(parseWaiverAnnotation(undefined, now)).toEqual({
      ok: true,
      value: [],
    });
  });

  it('refuses waivers without a reason or far in the future', () => {
    expect(
      parseWaiverAnnotation(
        {
          'production-readiness.io/waivers':
            '- check: a\n  until: 2026-12-01\n  reason: ""',
        },
        now,
      ),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('0.reason: give a reason'),
    });
    expect(
      parseWaiverAnnotation(
        {
          'production-readiness.io/waivers':
            '- check: a\n  until: 2030-01-01\n  reason: forever and ever',
        },
        now,
      ),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('more than 366 days ahead'),
    });
  });
});

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['1.5d', 129_600_000],
    ['PT2H', 7_200_000],
    ['P7D', 604_800_000],
  ])('reads %s', (text, millis) => {
    expect(parseDuration(text)).toBe(millis);
  });

  it.each(['24', 'soon', '-1h', '', 'PT0S'])('refuses %p', text => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('matchesEntityFilter', () => {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders-api',
      annotations: { 'backstage.io/kubernetes-id': 'orders-api' },
    },
    spec: { type: 'service', lifecycle: 'production' },
  };

  it('matches on kind, type, lifecycle and annotations, ignoring case', () => {
    expect(
      matchesEntityFilter(entity, {
        kind: ['component'],
        type: ['Service'],
        lifecycle: ['production'],
        hasAnnotations: ['backstage.io/kubernetes-id'],
      }),
    ).toBe(true);
    expect(matchesEntityFilter(entity, { kind: ['Resource'] })).toBe(false);
    expect(matchesEntityFilter(entity, { hasAnnotations: ['x/y'] })).toBe(
      false,
    );
    expect(matchesEntityFilter(entity, undefined)).toBe(true);
  });

  it('requires one of the anyOf alternatives to match', () => {
    const databasesOrBackedUp = {
      anyOf: [
        { kind: ['Resource'], type: ['database'] },
        { hasAnnotations: ['production-readiness.io/backup-location'] },
      ],
    };
    expect(matchesEntityFilter(entity, databasesOrBackedUp)).toBe(false);
    expect(
      matchesEntityFilter(
        {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: {
              'production-readiness.io/backup-location': 'demo-s3',
            },
          },
        },
        databasesOrBackedUp,
      ),
    ).toBe(true);
  });
});
