import {
  bindEvidence,
  contestedEvaluation,
  EvidenceClaim,
} from './evidenceBinding';

const ORDERS = 'component:default/orders-api';
const COPY = 'component:payments/orders-api-copy';
const OTHER = 'component:default/inventory-api';

const workload = (
  id: string,
  how: string,
  extra: Partial<EvidenceClaim> = {},
): EvidenceClaim => ({
  kind: 'kubernetes-workload',
  id,
  how,
  settle: `Annotate ${id} with production-readiness.io/entity-ref: <entity ref>.`,
  ...extra,
});

const prefix = (
  id: string,
  extra: Partial<EvidenceClaim> = {},
): EvidenceClaim => ({
  kind: 'backup-prefix',
  id,
  how: `production-readiness.io/backup-prefix=${id}`,
  nested: true,
  settle: 'Give each entity its own prefix.',
  ...extra,
});

function fleet(
  ...entries: Array<[string, string, EvidenceClaim[]]>
): Map<string, Map<string, EvidenceClaim[]>> {
  const result = new Map<string, Map<string, EvidenceClaim[]>>();
  for (const [collectorId, entityRef, claims] of entries) {
    const byEntity = result.get(collectorId) ?? new Map();
    byEntity.set(entityRef, claims);
    result.set(collectorId, byEntity);
  }
  return result;
}

describe('bindEvidence', () => {
  it('gives evidence selected by one entity to that entity', () => {
    const contested = bindEvidence(
      fleet(
        ['kubernetes', ORDERS, [workload('prod/shop/Deployment/orders', 'id')]],
        [
          'kubernetes',
          OTHER,
          [workload('prod/shop/Deployment/inventory', 'id')],
        ],
      ),
    );
    expect(contested.size).toBe(0);
  });

  it('contests evidence two entities select, whatever way each selects it, for both', () => {
    const contested = bindEvidence(
      fleet(
        [
          'kubernetes',
          ORDERS,
          [
            workload(
              'prod/shop/Deployment/orders',
              'backstage.io/kubernetes-id=orders-api',
            ),
          ],
        ],
        [
          'kubernetes',
          COPY,
          [workload('prod/shop/Deployment/orders', 'app in (orders)')],
        ],
      ),
    );
    expect(contested.get(ORDERS)).toEqual([
      expect.objectContaining({
        collectorId: 'kubernetes',
        reason: 'contested',
        others: [
          {
            entityRef: COPY,
            id: 'prod/shop/Deployment/orders',
            how: 'app in (orders)',
          },
        ],
      }),
    ]);
    expect(contested.get(COPY)?.[0].others.map(o => o.entityRef)).toEqual([
      ORDERS,
    ]);
  });

  it('gives evidence that names an entity to that entity alone, whoever else selects it', () => {
    const named = { namedEntity: 'Component:default/Orders-API' };
    const contested = bindEvidence(
      fleet(
        [
          'kubernetes',
          ORDERS,
          [workload('prod/shop/Deployment/orders', 'id', named)],
        ],
        [
          'kubernetes',
          COPY,
          [workload('prod/shop/Deployment/orders', 'id', named)],
        ],
      ),
    );
    expect(contested.has(ORDERS)).toBe(false);
    expect(contested.get(COPY)).toEqual([
      expect.objectContaining({
        reason: 'named-other',
        others: [expect.objectContaining({ entityRef: ORDERS })],
      }),
    ]);
  });

  it('refuses evidence naming another entity even when only one entity selects it', () => {
    const contested = bindEvidence(
      fleet([
        'kubernetes',
        COPY,
        [
          workload('prod/shop/Deployment/orders', 'id', {
            namedEntity: ORDERS,
          }),
        ],
      ]),
    );
    expect(contested.get(COPY)?.[0].reason).toBe('named-other');
  });

  it('contests a prefix that contains another entity’s prefix, for both, but not siblings', () => {
    const contested = bindEvidence(
      fleet(
        ['backup', 'resource:default/all-dbs', [prefix('pg/')]],
        ['backup', 'resource:default/orders-db', [prefix('pg/orders')]],
        ['backup', 'resource:default/orders-db-2', [prefix('pg/orders-2')]],
        ['backup', 'resource:default/stock-db', [prefix('other/stock')]],
      ),
    );
    expect(
      contested
        .get('resource:default/all-dbs')?.[0]
        .others.map(o => o.entityRef)
        .sort(),
    ).toEqual(['resource:default/orders-db', 'resource:default/orders-db-2']);
    expect(
      contested.get('resource:default/orders-db')?.[0].others.map(o => o.id),
    ).toEqual(['pg/']);
    expect(
      contested.get('resource:default/orders-db-2')?.[0].others,
    ).toHaveLength(1);
    expect(contested.has('resource:default/stock-db')).toBe(false);
  });

  it('lets an entity hold a nested prefix that names it, while the prefix above stays contested', () => {
    const contested = bindEvidence(
      fleet(
        ['backup', 'resource:default/all-dbs', [prefix('pg')]],
        [
          'backup',
          'resource:default/orders-db',
          [prefix('pg/orders', { namedEntity: 'resource:default/orders-db' })],
        ],
      ),
    );
    expect(contested.has('resource:default/orders-db')).toBe(false);
    expect(contested.get('resource:default/all-dbs')?.[0].reason).toBe(
      'contested',
    );
  });

  it('never contests an entity with itself, nor evidence of different kinds with equal ids', () => {
    const contested = bindEvidence(
      fleet(
        [
          'kubernetes',
          ORDERS,
          [workload('a', 'id'), workload('a', 'selector')],
        ],
        [
          'prometheus',
          OTHER,
          [{ kind: 'prometheus-job', id: 'a', how: 'job', settle: '' }],
        ],
      ),
    );
    expect(contested.size).toBe(0);
  });
});

describe('contestedEvaluation', () => {
  it('fails naming the other claimant and how to settle', () => {
    const [item] =
      bindEvidence(
        fleet(
          [
            'kubernetes',
            ORDERS,
            [workload('prod/shop/Deployment/orders', 'id')],
          ],
          ['kubernetes', COPY, [workload('prod/shop/Deployment/orders', 'id')]],
        ),
      ).get(COPY) ?? [];
    const evaluation = contestedEvaluation([item]);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.summary).toBe(
      `Evidence not bound to this entity: kubernetes-workload prod/shop/Deployment/orders (selected by id) is also claimed by ${ORDERS}`,
    );
    expect(evaluation.remediation).toContain(
      'production-readiness.io/entity-ref',
    );
  });
});
