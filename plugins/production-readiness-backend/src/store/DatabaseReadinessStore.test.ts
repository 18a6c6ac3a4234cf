import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { testDatabaseIds } from '@internal/test-servers';
import {
  CheckStatus,
  EvaluatedStatus,
} from '@production-readiness/plugin-production-readiness-common';
import { DatabasePushedEvidence } from '@production-readiness/plugin-production-readiness-node';
import { Knex } from 'knex';
import { DatabaseReadinessStore } from './DatabaseReadinessStore';
import { ResultWrite } from './ReadinessStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: testDatabaseIds() });

const t0 = new Date('2026-01-01T00:00:00.000Z');
/** `n` hours after t0. */
const at = (n: number) => new Date(t0.getTime() + n * 3_600_000);

const ORDERS = 'component:default/orders-api';
const BILLING = 'component:default/billing-api';
const SEARCH = 'component:default/search-api';

function result(
  entityRef: string,
  checkId: string,
  status: CheckStatus,
  extra: Partial<ResultWrite> = {},
): ResultWrite {
  return {
    entityRef,
    checkId,
    status,
    underlyingStatus: (status === 'waived'
      ? 'fail'
      : status) as EvaluatedStatus,
    summary: `${checkId} is ${status}`,
    evidence: [{ label: 'observed', value: status }],
    ...extra,
  };
}

const ALL_TABLES = [
  'pr_entities',
  'pr_results',
  'pr_history',
  'pr_scores',
  'pr_waivers',
  'pr_pushed_results',
  'pr_evidence_claims',
];

describe.each(databases.eachSupportedId())(
  'DatabaseReadinessStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseReadinessStore;
    let pushedEvidence: DatabasePushedEvidence;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      store = await DatabaseReadinessStore.create({ database });
      pushedEvidence = DatabasePushedEvidence.create(database);
    });

    async function count(
      table: string,
      where: (q: Knex.QueryBuilder) => Knex.QueryBuilder = q => q,
    ): Promise<number> {
      const [row] = await where(knex(table)).count({ count: '*' });
      return Number(row.count);
    }

    it('writes history only when a status changes and returns the transitions', async () => {
      const evaluate = (evaluatedAt: Date, results: ResultWrite[]) =>
        store
          .writeEvaluation({
            evaluatedAt,
            entities: [{ entityRef: ORDERS, score: 50, level: 'bronze' }],
            results,
          })
          .then(written => written.transitions);
      const first = [
        result(ORDERS, 'backup.configured', 'pass'),
        result(ORDERS, 'availability.replicas', 'fail'),
      ];

      await expect(evaluate(at(1), first)).resolves.toEqual([
        { entityRef: ORDERS, checkId: 'backup.configured', to: 'pass' },
        { entityRef: ORDERS, checkId: 'availability.replicas', to: 'fail' },
      ]);
      await expect(evaluate(at(2), first)).resolves.toEqual([]);
      await expect(evaluate(at(3), first)).resolves.toEqual([]);
      expect(await count('pr_history')).toBe(2);
      expect(
        await store.getHistory(ORDERS, { since: at(0), limit: 10 }),
      ).toEqual(
        expect.arrayContaining([
          {
            checkId: 'backup.configured',
            status: 'pass',
            summary: 'backup.configured is pass',
            firstSeen: at(1).toISOString(),
            lastSeen: at(3).toISOString(),
          },
          {
            checkId: 'availability.replicas',
            status: 'fail',
            summary: 'availability.replicas is fail',
            firstSeen: at(1).toISOString(),
            lastSeen: at(3).toISOString(),
          },
        ]),
      );

      // A new summary with the same status updates the result, not the history.
      await expect(
        evaluate(at(4), [
          result(ORDERS, 'backup.configured', 'fail'),
          result(ORDERS, 'availability.replicas', 'fail', {
            summary: '1 replica',
          }),
        ]),
      ).resolves.toEqual([
        {
          entityRef: ORDERS,
          checkId: 'backup.configured',
          from: 'pass',
          to: 'fail',
        },
      ]);
      expect(await count('pr_history')).toBe(3);

      const history = await store.getHistory(ORDERS, {
        since: at(0),
        limit: 10,
      });
      expect(history).toEqual([
        {
          checkId: 'backup.configured',
          status: 'fail',
          summary: 'backup.configured is fail',
          firstSeen: at(4).toISOString(),
          lastSeen: at(4).toISOString(),
        },
        expect.objectContaining({ checkId: 'availability.replicas' }),
        {
          checkId: 'backup.configured',
          status: 'pass',
          summary: 'backup.configured is pass',
          firstSeen: at(1).toISOString(),
          lastSeen: at(3).toISOString(),
        },
      ]);
      expect(history[1]).toMatchObject({
        firstSeen: at(1).toISOString(),
        lastSeen: at(4).toISOString(),
      });

      // Closed periods that ended before `since` are left out; `limit` keeps the newest.
      const recent = await store.getHistory(ORDERS, {
        since: at(3.5),
        limit: 10,
      });
      expect(recent.map(h => [h.checkId, h.status])).toEqual([
        ['backup.configured', 'fail'],
        ['availability.replicas', 'fail'],
      ]);
      expect(
        await store.getHistory(ORDERS, { since: at(0), limit: 1 }),
      ).toEqual([history[0]]);

      const results = await store.getResults(ORDERS);
      expect(
        results.map(r => ({
          checkId: r.checkId,
          status: r.status,
          summary: r.summary,
          changedAt: r.changedAt,
          evaluatedAt: r.evaluatedAt,
        })),
      ).toEqual([
        {
          checkId: 'availability.replicas',
          status: 'fail',
          summary: '1 replica',
          changedAt: at(1),
          evaluatedAt: at(4),
        },
        {
          checkId: 'backup.configured',
          status: 'fail',
          summary: 'backup.configured is fail',
          changedAt: at(4),
          evaluatedAt: at(4),
        },
      ]);
      await expect(store.getResults(SEARCH)).resolves.toEqual([]);
    });

    it('removes results of checks that no longer apply and closes their history', async () => {
      const entities = [{ entityRef: ORDERS, score: 80, level: 'silver' }];
      await store.writeEvaluation({
        evaluatedAt: at(1),
        entities,
        results: [
          result(ORDERS, 'backup.configured', 'pass'),
          result(ORDERS, 'backup.restore-tested', 'fail'),
        ],
      });
      await store.writeEvaluation({
        evaluatedAt: at(2),
        entities,
        results: [result(ORDERS, 'backup.configured', 'pass')],
      });

      expect((await store.getResults(ORDERS)).map(r => r.checkId)).toEqual([
        'backup.configured',
      ]);
      const history = await store.getHistory(ORDERS, {
        since: at(0),
        limit: 10,
      });
      expect(history).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            checkId: 'backup.restore-tested',
            firstSeen: at(1).toISOString(),
            lastSeen: at(1).toISOString(),
          }),
          expect.objectContaining({
            checkId: 'backup.configured',
            firstSeen: at(1).toISOString(),
            lastSeen: at(2).toISOString(),
          }),
        ]),
      );
      expect(await count('pr_history', q => q.whereNull('last_seen'))).toBe(1);

      // The check applies again: a new period, reported as new.
      await expect(
        store
          .writeEvaluation({
            evaluatedAt: at(3),
            entities,
            results: [
              result(ORDERS, 'backup.configured', 'pass'),
              result(ORDERS, 'backup.restore-tested', 'fail'),
            ],
          })
          .then(written => written.transitions),
      ).resolves.toEqual([
        { entityRef: ORDERS, checkId: 'backup.restore-tested', to: 'fail' },
      ]);
      expect(await count('pr_history')).toBe(3);

      // An entity evaluated with no results at all loses all of them.
      await store.writeEvaluation({
        evaluatedAt: at(4),
        entities,
        results: [],
      });
      await expect(store.getResults(ORDERS)).resolves.toEqual([]);
      expect(await count('pr_history', q => q.whereNull('last_seen'))).toBe(0);
    });

    it('round-trips evidence, remediation and waivers', async () => {
      const evidence = [
        {
          label: 'newest pgBackRest backup',
          value: { ageHours: 3, stanza: 'main', tags: ['full', 'ok'] },
          source: 'prometheus:main',
          timestamp: '2026-01-01T00:00:00.000Z',
          url: 'https://prometheus.example.com/graph',
        },
        { label: 'replicas', value: 2 },
        { label: 'configured', value: true },
        { label: 'nothing', value: null },
      ];
      const waiver = {
        origin: 'api' as const,
        state: 'approved' as const,
        reason: 'Migration in progress',
        expiresAt: '2026-02-01T00:00:00.000Z',
        createdBy: 'user:default/jane',
      };
      await store.writeEvaluation({
        evaluatedAt: at(1),
        entities: [{ entityRef: ORDERS, score: 40, level: 'none' }],
        results: [
          result(ORDERS, 'backup.configured', 'pass', { evidence }),
          result(ORDERS, 'backup.restore-tested', 'waived', {
            underlyingStatus: 'fail',
            evidence: [],
            remediation: 'Run a restore test',
            waiver,
          }),
        ],
      });

      const [configured, restoreTested] = await store.getResults(ORDERS);
      expect(configured).toEqual({
        entityRef: ORDERS,
        checkId: 'backup.configured',
        status: 'pass',
        underlyingStatus: 'pass',
        summary: 'backup.configured is pass',
        evidence,
        changedAt: at(1),
        evaluatedAt: at(1),
      });
      expect(configured.remediation).toBeUndefined();
      expect(configured.waiver).toBeUndefined();
      expect(configured.changedAt).toBeInstanceOf(Date);
      expect(restoreTested).toMatchObject({
        status: 'waived',
        underlyingStatus: 'fail',
        evidence: [],
        remediation: 'Run a restore test',
        waiver,
      });

      // New evidence with the same status updates the row without a transition.
      const newer = [{ label: 'replicas', value: 3 }];
      await expect(
        store
          .writeEvaluation({
            evaluatedAt: at(2),
            entities: [{ entityRef: ORDERS, score: 40, level: 'none' }],
            results: [
              result(ORDERS, 'backup.configured', 'pass', { evidence: newer }),
            ],
          })
          .then(written => written.transitions),
      ).resolves.toEqual([]);
      await expect(
        store.getResultsForEntities([ORDERS, BILLING]),
      ).resolves.toEqual([
        expect.objectContaining({
          checkId: 'backup.configured',
          evidence: newer,
          changedAt: at(1),
          evaluatedAt: at(2),
        }),
      ]);
    });

    it('adds a score point only when the score or level changes', async () => {
      const evaluate = (evaluatedAt: Date, score: number, level: string) =>
        store.writeEvaluation({
          evaluatedAt,
          entities: [
            { entityRef: ORDERS, score, level },
            { entityRef: BILLING, score: 100, level: 'gold' },
          ],
          results: [],
        });
      await evaluate(at(1), 50, 'bronze');
      await evaluate(at(2), 50, 'bronze');
      await evaluate(at(3), 70, 'bronze');
      await evaluate(at(4), 70, 'bronze');
      await evaluate(at(5), 70, 'silver');

      await expect(
        store.getScoreTrend(ORDERS, { since: at(0) }),
      ).resolves.toEqual([
        { at: at(1).toISOString(), score: 50, level: 'bronze' },
        { at: at(3).toISOString(), score: 70, level: 'bronze' },
        { at: at(5).toISOString(), score: 70, level: 'silver' },
      ]);
      // The window starts with the score in force at its start (the point of at(1)).
      await expect(
        store.getScoreTrend(ORDERS, { since: at(2) }),
      ).resolves.toEqual([
        { at: at(1).toISOString(), score: 50, level: 'bronze' },
        { at: at(3).toISOString(), score: 70, level: 'bronze' },
        { at: at(5).toISOString(), score: 70, level: 'silver' },
      ]);
      await expect(
        store.getScoreTrend(ORDERS, { since: at(6) }),
      ).resolves.toEqual([
        { at: at(5).toISOString(), score: 70, level: 'silver' },
      ]);
      await expect(
        store.getScoreTrend(BILLING, { since: at(0) }),
      ).resolves.toEqual([
        { at: at(1).toISOString(), score: 100, level: 'gold' },
      ]);
      await expect(store.getEntitySummaries()).resolves.toEqual([
        { entityRef: BILLING, score: 100, level: 'gold', evaluatedAt: at(5) },
        { entityRef: ORDERS, score: 70, level: 'silver', evaluatedAt: at(5) },
      ]);
      await expect(store.getEntitySummaries([ORDERS, SEARCH])).resolves.toEqual(
        [{ entityRef: ORDERS, score: 70, level: 'silver', evaluatedAt: at(5) }],
      );
    });

    it('leaves an entity as stored when an evaluation that started later wrote it', async () => {
      const check = 'backup.configured';
      await store.writeEvaluation({
        evaluatedAt: at(2),
        entities: [ORDERS, BILLING].map(entityRef => ({
          entityRef,
          score: 80,
          level: 'silver',
        })),
        results: [
          result(ORDERS, check, 'pass'),
          result(BILLING, check, 'pass'),
        ],
      });

      // A slower evaluation that started before it finishes now.
      const slow = await store.writeEvaluation({
        evaluatedAt: at(1),
        entities: [ORDERS, BILLING, SEARCH].map(entityRef => ({
          entityRef,
          score: 10,
          level: 'none',
        })),
        results: [ORDERS, BILLING, SEARCH].map(ref =>
          result(ref, check, 'fail'),
        ),
      });
      expect(slow.superseded.sort()).toEqual([BILLING, ORDERS]);
      expect(slow.transitions).toEqual([
        { entityRef: SEARCH, checkId: check, to: 'fail' },
      ]);
      expect(slow.previous).toEqual([]);

      const stored = await store.getResultsForEntities([ORDERS, SEARCH]);
      expect(
        stored.map(r => [r.entityRef, r.status, r.evaluatedAt.getTime()]),
      ).toEqual([
        [ORDERS, 'pass', at(2).getTime()],
        [SEARCH, 'fail', at(1).getTime()],
      ]);
      expect(await count('pr_history')).toBe(3);
      expect(await count('pr_scores')).toBe(3);
    });

    it('serializes concurrent writes: each change is reported once and opens one period', async () => {
      const refs = Array.from(
        { length: 50 },
        (_, i) => `component:default/service-${i}`,
      );
      const checks = ['backup.configured', 'logging.stdout', 'alerts.routed'];
      const evaluation = (evaluatedAt: Date, status: CheckStatus) => ({
        evaluatedAt,
        entities: refs.map(entityRef => ({
          entityRef,
          score: 50,
          level: 'bronze',
        })),
        results: refs.flatMap(ref => checks.map(c => result(ref, c, status))),
      });
      await store.writeEvaluation(evaluation(at(1), 'pass'));

      // Two replicas write the same change at once.
      const written = await Promise.all([
        store.writeEvaluation(evaluation(at(2), 'fail')),
        store.writeEvaluation(evaluation(at(3), 'fail')),
      ]);

      const transitions = written.flatMap(w => w.transitions);
      expect(transitions).toHaveLength(refs.length * checks.length);
      expect(transitions.every(t => t.from === 'pass' && t.to === 'fail')).toBe(
        true,
      );
      expect(await count('pr_history', q => q.whereNull('last_seen'))).toBe(
        refs.length * checks.length,
      );
      expect(await count('pr_history')).toBe(2 * refs.length * checks.length);
      const summaries = await store.getEntitySummaries(refs);
      expect(new Set(summaries.map(s => s.evaluatedAt.getTime()))).toEqual(
        new Set([at(3).getTime()]),
      );
    });

    it('deletes every row of entities that are no longer in the catalog', async () => {
      const refs = [ORDERS, BILLING, SEARCH];
      await store.writeEvaluation({
        evaluatedAt: at(1),
        entities: refs.map(entityRef => ({
          entityRef,
          score: 10,
          level: 'none',
        })),
        results: refs.map(ref => result(ref, 'backup.configured', 'fail')),
      });
      for (const entityRef of refs) {
        await store.addWaiver({
          origin: 'api',
          entityRef,
          checkId: 'backup.configured',
          reason: 'Not yet',
          expiresAt: at(1000),
          createdBy: 'user:default/jane',
        });
        await pushedEvidence.push({
          entityRef,
          type: 'restore-test',
          observedAt: at(1),
          payload: { ok: true },
          pushedBy: 'service:ci',
        });
      }
      await store.replaceClaims(
        refs.map(entityRef => ({
          entityRef,
          collectorId: 'kubernetes',
          claims: [{ kind: 'workload', id: 'a', how: 'id', settle: '' }],
        })),
        at(1),
      );

      await expect(store.deleteEntitiesNotIn([ORDERS, 'other'])).resolves.toBe(
        2,
      );
      for (const table of ALL_TABLES) {
        expect(await count(table)).toBe(1);
        expect(
          await count(table, q => q.whereIn('entity_ref', [BILLING, SEARCH])),
        ).toBe(0);
      }
      await expect(store.deleteEntitiesNotIn([ORDERS])).resolves.toBe(0);
    });

    it('replaces evidence claims per entity and collector, and deletes them when empty', async () => {
      const claim = (id: string) => ({
        kind: 'backup-prefix',
        id,
        how: `production-readiness.io/backup-prefix=${id}`,
        nested: true,
        namedEntity: ORDERS,
        settle: 'Give each entity its own prefix.',
      });
      await store.replaceClaims(
        [
          { entityRef: ORDERS, collectorId: 'backup', claims: [claim('pg/a')] },
          { entityRef: ORDERS, collectorId: 'kubernetes', claims: [] },
          { entityRef: BILLING, collectorId: 'backup', claims: [claim('pg')] },
        ],
        at(1),
      );
      await store.replaceClaims(
        [
          {
            entityRef: ORDERS,
            collectorId: 'backup',
            claims: [claim('pg/b'), claim('pg/c')],
          },
          { entityRef: BILLING, collectorId: 'backup', claims: [] },
        ],
        at(2),
      );
      expect(await store.listClaims()).toEqual(
        new Map([
          ['backup', new Map([[ORDERS, [claim('pg/b'), claim('pg/c')]]])],
        ]),
      );
    });

    it('prunes closed history, old score points and superseded pushed results', async () => {
      const evaluate = (
        evaluatedAt: Date,
        status: CheckStatus,
        score: number,
      ) =>
        store.writeEvaluation({
          evaluatedAt,
          entities: [{ entityRef: ORDERS, score, level: 'bronze' }],
          results: [result(ORDERS, 'backup.configured', status)],
        });
      await evaluate(at(1), 'fail', 10);
      await evaluate(at(2), 'pass', 20);
      await evaluate(at(3), 'fail', 30);
      await evaluate(at(4), 'fail', 30);
      const pushed = async (type: string, observedAt: Date) =>
        pushedEvidence.push({
          entityRef: ORDERS,
          type,
          observedAt,
          payload: { observedAt: observedAt.toISOString() },
          pushedBy: 'service:ci',
        });
      await pushed('restore-test', at(2));
      await pushed('restore-test', at(3));
      await pushed('restore-test', at(1));
      await pushed('load-test', at(1));

      // Periods ended at(1) and at(2); points at(1) and at(2).
      await expect(store.pruneBefore(at(2.5))).resolves.toBe(4);
      await expect(
        store.getHistory(ORDERS, { since: at(0), limit: 10 }),
      ).resolves.toEqual([
        expect.objectContaining({
          status: 'fail',
          firstSeen: at(3).toISOString(),
          lastSeen: at(4).toISOString(),
        }),
      ]);
      await expect(
        store.getScoreTrend(ORDERS, { since: at(0) }),
      ).resolves.toEqual([
        { at: at(3).toISOString(), score: 30, level: 'bronze' },
      ]);
      expect(await count('pr_pushed_results')).toBe(4);

      // Everything is old now: the open period, the latest point and the newest pushed
      // result per type stay.
      await expect(
        store.pruneBefore(new Date(Date.now() + 60_000)),
      ).resolves.toBe(2);
      expect(await count('pr_history')).toBe(1);
      expect(await count('pr_scores')).toBe(1);
      const latest = await pushedEvidence.latest('restore-test');
      expect(latest.get(ORDERS)?.observedAt).toEqual(at(3));
      expect(await count('pr_pushed_results')).toBe(2);
    });

    it('hides expired waivers and deletes a waiver only for its entity', async () => {
      const now = at(100);
      const add = (entityRef: string, checkId: string, expiresAt: Date) =>
        store.addWaiver({
          origin: 'api',
          entityRef,
          checkId,
          reason: `${checkId} later`,
          expiresAt,
          createdBy: 'user:default/jane',
        });
      const later = await add(ORDERS, 'backup.configured', at(300));
      const expired = await add(ORDERS, 'availability.replicas', at(50));
      const sooner = await add(BILLING, 'backup.configured', at(200));

      expect(later).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        entityRef: ORDERS,
        checkId: 'backup.configured',
        origin: 'api',
        reason: 'backup.configured later',
        expiresAt: at(300),
        createdBy: 'user:default/jane',
        createdAt: expect.any(Date),
      });
      await expect(store.listWaivers({ now })).resolves.toEqual([
        sooner,
        later,
      ]);
      await expect(
        store.listWaivers({ now, includeExpired: true }),
      ).resolves.toEqual([expired, sooner, later]);
      await expect(
        store.listWaivers({ now, entityRef: ORDERS, includeExpired: true }),
      ).resolves.toEqual([expired, later]);
      await expect(
        store.listWaivers({ now, entityRef: SEARCH }),
      ).resolves.toEqual([]);

      await expect(store.deleteWaiver(BILLING, later.id)).resolves.toBe(false);
      await expect(store.deleteWaiver(ORDERS, 'not-a-uuid')).resolves.toBe(
        false,
      );
      await expect(store.deleteWaiver(ORDERS, later.id)).resolves.toBe(true);
      await expect(store.deleteWaiver(ORDERS, later.id)).resolves.toBe(false);
      await expect(
        store.listWaivers({ now, includeExpired: true }),
      ).resolves.toEqual([expired, sooner]);
    });

    it('writes 2,000 entities with 40 checks each, twice', async () => {
      const entityCount = 2_000;
      const checkCount = 40;
      const refs = Array.from(
        { length: entityCount },
        (_, i) => `component:default/service-${i}`,
      );
      const checkIds = Array.from(
        { length: checkCount },
        (_, i) => `pillar.check-${i}`,
      );
      const evaluation = (
        evaluatedAt: Date,
        changed: (i: number) => boolean,
      ) => {
        const results: ResultWrite[] = [];
        let i = 0;
        for (const entityRef of refs) {
          for (const checkId of checkIds) {
            results.push(
              result(entityRef, checkId, changed(i) ? 'fail' : 'pass', {
                evidence: [{ label: 'index', value: i }],
              }),
            );
            i += 1;
          }
        }
        return {
          evaluatedAt,
          entities: refs.map(entityRef => ({
            entityRef,
            score: 100,
            level: 'gold',
          })),
          results,
        };
      };

      const first = await store.writeEvaluation(evaluation(at(1), () => false));
      expect(first.transitions).toHaveLength(80_000);
      expect(await count('pr_results')).toBe(80_000);
      expect(await count('pr_history')).toBe(80_000);
      expect(await count('pr_scores')).toBe(2_000);

      // 1% of the results change status.
      const second = await store.writeEvaluation(
        evaluation(at(2), i => i % 100 === 0),
      );
      expect(second.transitions).toHaveLength(800);
      expect(second.transitions).toContainEqual({
        entityRef: refs[0],
        checkId: checkIds[0],
        from: 'pass',
        to: 'fail',
      });
      // Each change: the result, the closed period and the new one.
      expect(second.rowsWritten).toBe(3 * 800);
      expect(await count('pr_results')).toBe(80_000);
      expect(await count('pr_results', q => q.where('status', 'fail'))).toBe(
        800,
      );
      expect(await count('pr_history')).toBe(80_800);
      expect(await count('pr_history', q => q.whereNotNull('last_seen'))).toBe(
        800,
      );
      expect(await count('pr_scores')).toBe(2_000);

      // The same fleet again, unchanged: no result, history or score row is written.
      const third = await store.writeEvaluation(
        evaluation(at(3), i => i % 100 === 0),
      );
      expect(third).toMatchObject({
        transitions: [],
        superseded: [],
        rowsWritten: 0,
      });
      expect(third.previous).toHaveLength(2_000);

      const some = await store.getResultsForEntities(refs.slice(0, 600));
      expect(some).toHaveLength(600 * 40);

      await expect(store.deleteEntitiesNotIn(refs.slice(10))).resolves.toBe(10);
      expect(await count('pr_entities')).toBe(1_990);
      expect(await count('pr_results')).toBe(79_600);
    }, 180_000);
  },
);
