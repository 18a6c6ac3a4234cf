import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  matchesEntityFilter,
} from '@production-readiness/plugin-production-readiness-common';
import { ReadinessCheck } from '@production-readiness/plugin-production-readiness-node';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { catalogChecksOptions, createCatalogChecks } from './catalogChecks';
import { readReadinessConfig } from '../config';
import { ConfigReader } from '@backstage/config';
import { CatalogFacts } from './catalogCollector';

const checks = createCatalogChecks(
  catalogChecksOptions(readReadinessConfig(new ConfigReader({}))),
);

function check(id: string): ReadinessCheck {
  const found = checks.find(c => c.id === id);
  if (!found) {
    throw new Error(`no check ${id}`);
  }
  return found;
}

function component(
  annotations: Record<string, string> = {},
  spec: Record<string, unknown> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders-api', namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-orders',
      system: 'orders',
      ...spec,
    },
  };
}

const ordersDb: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'orders-db', namespace: 'default', annotations: {} },
  spec: { type: 'database', owner: 'team-orders' },
};

function withAnnotations(
  entity: Entity,
  annotations: Record<string, string>,
): Entity {
  return { ...entity, metadata: { ...entity.metadata, annotations } };
}

function facts(overrides: Partial<CatalogFacts> = {}): CatalogFacts {
  return {
    owner: { ref: 'group:default/team-orders', kind: 'Group', found: true },
    system: { ref: 'system:default/orders', found: true },
    dependencies: [],
    ...overrides,
  };
}

const run = (id: string, entity: Entity, catalog?: CatalogFacts) =>
  runCheckOnFixtures(check(id), {
    entity,
    facts: catalog ? { catalog } : undefined,
  });

const database = (
  name: string,
  annotations: Record<string, string> = {},
): CatalogFacts['dependencies'][number] => ({
  ref: `resource:default/${name}`,
  found: true,
  kind: 'Resource',
  type: 'database',
  annotations,
});

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

describe('createCatalogChecks', () => {
  it('declares every built-in check with a remediation, reading the catalog only where needed', () => {
    expect(checks.map(c => [c.id, c.severity, c.collectors.join(',')])).toEqual(
      [
        ['documentation.owner', 'critical', 'catalog'],
        ['documentation.lifecycle', 'major', ''],
        ['documentation.system', 'minor', 'catalog'],
        ['documentation.runbook', 'major', ''],
        ['documentation.on-call', 'major', ''],
        ['documentation.techdocs', 'minor', ''],
        ['backup.plan', 'critical', ''],
        ['backup.dependencies-covered', 'critical', 'catalog'],
        ['backup.dependencies-healthy', 'critical', 'catalog'],
      ],
    );
    for (const c of checks) {
      expect(c.remediation).toContain('catalog-info.yaml');
      expect(c.appliesTo).toBeDefined();
    }
  });

  it('reports unknown when the catalog collector has no facts for the entity', async () => {
    await expect(
      run('documentation.owner', component()),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary: 'The catalog collector returned no facts for this entity',
    });
  });

  it('reports error when the catalog collector failed', async () => {
    await expect(
      runCheckOnFixtures(check('backup.dependencies-covered'), {
        entity: component(),
        collectorFailures: { catalog: 'catalog answered 503' },
      }),
    ).resolves.toMatchObject({
      status: 'error',
      summary: 'catalog failed: catalog answered 503',
    });
  });
});

describe('documentation.owner', () => {
  it('passes for an existing group', async () => {
    await expect(
      run('documentation.owner', component(), facts()),
    ).resolves.toEqual({
      status: 'pass',
      summary: 'Owned by team group:default/team-orders',
      evidence: [
        {
          label: 'spec.owner',
          value: 'group:default/team-orders',
          source: 'catalog',
        },
        { label: 'owner kind', value: 'Group', source: 'catalog' },
      ],
      remediation: undefined,
    });
  });

  it('warns when a person owns the entity', async () => {
    const result = await run(
      'documentation.owner',
      component({}, { owner: 'user:alice' }),
      facts({
        owner: { ref: 'user:default/alice', kind: 'User', found: true },
      }),
    );
    expect(result).toMatchObject({
      status: 'warn',
      summary: 'Owned by a person, not a team: user:default/alice',
    });
    expect(result.remediation).toContain('spec.owner');
  });

  it('fails when the owner is missing or not in the catalog', async () => {
    await expect(
      run(
        'documentation.owner',
        component({}, { owner: undefined }),
        facts({ owner: undefined }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'spec.owner is not set',
    });
    await expect(
      run(
        'documentation.owner',
        component({}, { owner: 'team-gone' }),
        facts({ owner: { ref: 'group:default/team-gone', found: false } }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'spec.owner group:default/team-gone does not exist in the catalog',
      evidence: [
        {
          label: 'spec.owner',
          value: 'group:default/team-gone',
          source: 'catalog',
        },
      ],
    });
  });

  it('fails when the owner is neither a group nor a user', async () => {
    await expect(
      run(
        'documentation.owner',
        component({}, { owner: 'component:billing' }),
        facts({
          owner: {
            ref: 'component:default/billing',
            kind: 'Component',
            found: true,
          },
        }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'Owner component:default/billing is a Component, not a Group',
    });
  });
});

describe('documentation.lifecycle', () => {
  it.each(['production', 'Experimental', 'DEPRECATED'])(
    'passes for %s',
    async lifecycle => {
      await expect(
        run('documentation.lifecycle', component({}, { lifecycle })),
      ).resolves.toMatchObject({
        status: 'pass',
        summary: `Lifecycle is ${lifecycle}`,
      });
    },
  );

  it('fails naming an unknown value', async () => {
    await expect(
      run('documentation.lifecycle', component({}, { lifecycle: 'beta' })),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'spec.lifecycle "beta" is not one of production, experimental, deprecated',
      evidence: [{ label: 'spec.lifecycle', value: 'beta', source: 'catalog' }],
    });
  });

  it('fails when missing', async () => {
    await expect(
      run('documentation.lifecycle', component({}, { lifecycle: undefined })),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'spec.lifecycle is not set',
    });
  });
});

describe('documentation.system', () => {
  it('passes when the system resolves', async () => {
    await expect(
      run('documentation.system', component(), facts()),
    ).resolves.toMatchObject({
      status: 'pass',
      summary: 'Part of system system:default/orders',
    });
  });

  it('fails when missing or unresolved', async () => {
    await expect(
      run('documentation.system', component(), facts({ system: undefined })),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'spec.system is not set',
    });
    await expect(
      run(
        'documentation.system',
        component(),
        facts({ system: { ref: 'system:default/orders', found: false } }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'spec.system system:default/orders does not exist in the catalog',
    });
  });
});

describe('documentation.runbook', () => {
  it('passes for an https URL', async () => {
    await expect(
      run(
        'documentation.runbook',
        component({
          [ANNOTATIONS.runbook]: 'https://runbooks.example.com/orders-api',
        }),
      ),
    ).resolves.toMatchObject({
      status: 'pass',
      summary: 'Runbook at https://runbooks.example.com/orders-api',
      evidence: [
        {
          label: ANNOTATIONS.runbook,
          value: 'https://runbooks.example.com/orders-api',
          source: 'catalog',
        },
      ],
    });
  });

  it('fails when missing', async () => {
    await expect(
      run('documentation.runbook', component()),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'annotation production-readiness.io/runbook is missing',
    });
  });

  it.each([
    'see the wiki',
    'ftp://files.example.com/runbook',
    'file:///etc/runbook.md',
  ])('fails for %p, which is not an http(s) URL', async value => {
    await expect(
      run('documentation.runbook', component({ [ANNOTATIONS.runbook]: value })),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: `annotation production-readiness.io/runbook is not an http(s) URL: "${value}"`,
    });
  });
});

describe('documentation.on-call', () => {
  it('applies to production components only', () => {
    expect(check('documentation.on-call').appliesTo).toEqual({
      kind: ['Component'],
      lifecycle: ['production'],
    });
  });

  it('passes naming the annotation that declares on-call', async () => {
    await expect(
      run(
        'documentation.on-call',
        component({ 'pagerduty.com/service-id': 'PABC123' }),
      ),
    ).resolves.toMatchObject({
      status: 'pass',
      summary: 'On-call declared by pagerduty.com/service-id: PABC123',
      evidence: [
        {
          label: 'pagerduty.com/service-id',
          value: 'PABC123',
          source: 'catalog',
        },
      ],
    });
  });

  it('fails when none is set', async () => {
    await expect(
      run('documentation.on-call', component()),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'No on-call declared: none of production-readiness.io/on-call, pagerduty.com/service-id, pagerduty.com/integration-key, opsgenie.com/team is set',
    });
  });
});

describe('documentation.techdocs', () => {
  it('passes when the techdocs ref is set', async () => {
    await expect(
      run(
        'documentation.techdocs',
        component({ 'backstage.io/techdocs-ref': 'dir:.' }),
      ),
    ).resolves.toMatchObject({
      status: 'pass',
      summary: 'TechDocs source is dir:.',
    });
  });

  it('fails when missing', async () => {
    await expect(
      run('documentation.techdocs', component()),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'annotation backstage.io/techdocs-ref is missing',
    });
  });
});

describe('backup.plan', () => {
  it('applies to database resources and to anything with a backup location', () => {
    const appliesTo = check('backup.plan').appliesTo;
    expect(matchesEntityFilter(ordersDb, appliesTo)).toBe(true);
    expect(matchesEntityFilter(component(), appliesTo)).toBe(false);
    expect(
      matchesEntityFilter(
        withAnnotations(component(), {
          [ANNOTATIONS.backupLocation]: 'demo-s3',
        }),
        appliesTo,
      ),
    ).toBe(true);
  });

  it('passes with the plan as evidence', async () => {
    await expect(
      run(
        'backup.plan',
        withAnnotations(ordersDb, { [ANNOTATIONS.backupPlan]: plan }),
      ),
    ).resolves.toEqual({
      status: 'pass',
      summary:
        'Backup plan: incremental backups at "0 2 * * *", RPO 1d, RTO 2h',
      remediation: undefined,
      evidence: [
        {
          label: 'what',
          value: 'orders database, all schemas including users and roles',
          source: 'catalog',
        },
        { label: 'method', value: 'incremental', source: 'catalog' },
        { label: 'schedule', value: '0 2 * * *', source: 'catalog' },
        { label: 'full schedule', value: '0 3 * * 0', source: 'catalog' },
        { label: 'RPO', value: '1d', source: 'catalog' },
        { label: 'RTO', value: '2h', source: 'catalog' },
        { label: 'retention', value: '14d', source: 'catalog' },
        {
          label: 'procedure',
          value: 'https://runbooks.example.com/orders-db/restore',
          source: 'catalog',
        },
      ],
    });
  });

  it('fails when the plan is missing', async () => {
    await expect(run('backup.plan', ordersDb)).resolves.toMatchObject({
      status: 'fail',
      summary: 'annotation production-readiness.io/backup-plan is missing',
    });
  });

  it("fails with the parser's message when the plan is invalid", async () => {
    await expect(
      run(
        'backup.plan',
        withAnnotations(ordersDb, {
          [ANNOTATIONS.backupPlan]: plan.replace(
            'fullSchedule: "0 3 * * 0"\n',
            '',
          ),
        }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'annotation production-readiness.io/backup-plan is invalid: fullSchedule: incremental and differential plans also need fullSchedule',
    });
  });
});

describe('backup.dependencies-covered', () => {
  it('passes when every database dependency has a backup location', async () => {
    await expect(
      run(
        'backup.dependencies-covered',
        component(),
        facts({
          dependencies: [
            database('orders-db', { [ANNOTATIONS.backupLocation]: 's3-eu' }),
            {
              ref: 'component:default/payments-api',
              found: true,
              kind: 'Component',
              type: 'service',
              annotations: {},
            },
          ],
        }),
      ),
    ).resolves.toMatchObject({
      status: 'pass',
      summary:
        'All 1 dependencies holding data have a backup location: resource:default/orders-db',
      evidence: [
        {
          label: 'resource:default/orders-db',
          value: 's3-eu',
          source: 'catalog',
        },
      ],
    });
  });

  it('fails naming the database that has no backup (data survived, user accounts did not)', async () => {
    await expect(
      run(
        'backup.dependencies-covered',
        component(),
        facts({
          dependencies: [
            database('orders-db', { [ANNOTATIONS.backupLocation]: 's3-eu' }),
            database('users-db'),
          ],
        }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'dependencies holding data without a backup: resource:default/users-db (no production-readiness.io/backup-location)',
      evidence: [
        { label: 'resource:default/orders-db', value: 's3-eu' },
        { label: 'resource:default/users-db', value: 'no backup location' },
      ],
    });
  });

  it('fails when a dependsOn ref does not resolve', async () => {
    await expect(
      run(
        'backup.dependencies-covered',
        component(),
        facts({
          dependencies: [
            {
              ref: 'resource:default/sessions-db',
              found: false,
              annotations: {},
            },
          ],
        }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'dependsOn refs not found in the catalog: resource:default/sessions-db',
    });
  });

  it('fails a production component that says nowhere where its data lives', async () => {
    const result = await run(
      'backup.dependencies-covered',
      component(),
      facts(),
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Says nowhere where its data lives: spec.dependsOn lists nothing, and it does not declare production-readiness.io/keeps-no-data',
    });
    expect(result.remediation).toContain(
      'production-readiness.io/keeps-no-data: "stateless: every answer comes from upstream"',
    );
  });

  it('passes a component that declares it keeps no data, showing the claim', async () => {
    await expect(
      run(
        'backup.dependencies-covered',
        component({
          [ANNOTATIONS.keepsNoData]:
            'stateless proxy: every answer comes from upstream',
        }),
        facts(),
      ),
    ).resolves.toMatchObject({
      status: 'pass',
      summary:
        'Keeps no data of its own, as it declares (production-readiness.io/keeps-no-data): stateless proxy: every answer comes from upstream',
      evidence: [
        {
          label: 'production-readiness.io/keeps-no-data',
          value: 'stateless proxy: every answer comes from upstream',
          source: 'catalog',
        },
      ],
    });
  });

  it('passes a database modelled as a Component: its own backups are judged by the backup checks', async () => {
    await expect(
      run(
        'backup.dependencies-covered',
        component({}, { type: 'postgresql' }),
        facts(),
      ),
    ).resolves.toMatchObject({
      status: 'pass',
      summary:
        'Holds its own data (a Component of type postgresql): its backups are judged by the backup checks of this entity',
    });
  });

  it.each([
    ['postgres'],
    ['mysql'],
    ['redis'],
    ['s3-bucket'],
    ['ledger-store'], // a type nobody listed: what a service depends on holds data by default
    [undefined],
  ])('counts a Resource of type %s as holding data', async type => {
    const dependency = {
      ref: 'resource:default/users-store',
      found: true,
      kind: 'Resource',
      type,
      annotations: {},
    };
    await expect(
      run(
        'backup.dependencies-covered',
        component(),
        facts({ dependencies: [dependency] }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'dependencies holding data without a backup: resource:default/users-store (no production-readiness.io/backup-location)',
    });
  });

  it('does not ask backups of Resources whose type holds no data, nor of other Components, but asks where the data lives', async () => {
    await expect(
      run(
        'backup.dependencies-covered',
        component(),
        facts({
          dependencies: [
            {
              ref: 'resource:default/edge-dns',
              found: true,
              kind: 'Resource',
              type: 'dns',
              annotations: {},
            },
            {
              ref: 'component:default/payments-api',
              found: true,
              kind: 'Component',
              type: 'service',
              annotations: {},
            },
          ],
        }),
      ),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'Says nowhere where its data lives: none of its 2 dependencies (resource:default/edge-dns, component:default/payments-api) holds data (their types are listed in productionReadiness.coverage.nonStatefulTypes), and it does not declare production-readiness.io/keeps-no-data',
    });
  });
});

describe('backup.dependencies-healthy', () => {
  const backupResult = (
    status: 'pass' | 'fail' | 'unknown',
    summary: string,
  ) => ({
    checkId: 'backup.fresh',
    title: 'Newest backup within RPO',
    pillar: 'backup',
    severity: 'critical' as const,
    status,
    summary,
  });
  const runWith = (otherResults: Record<string, any>) =>
    runCheckOnFixtures(check('backup.dependencies-healthy'), {
      entity: component(),
      facts: {
        catalog: facts({
          dependencies: [
            database('ledger-db', { [ANNOTATIONS.backupLocation]: 's3-eu' }),
          ],
        }),
      },
      otherResults,
    });

  it('is evaluated after the checks of the databases it reads', () => {
    expect(check('backup.dependencies-healthy').readsOtherResults).toBe(true);
  });

  it('passes when every critical backup check of each database holds', async () => {
    await expect(
      runWith({
        'resource:default/ledger-db': [
          backupResult('pass', 'Newest backup 3h old'),
        ],
      }),
    ).resolves.toMatchObject({
      status: 'pass',
      summary:
        'The backups of all 1 database dependencies are healthy: resource:default/ledger-db',
    });
  });

  it('fails naming the database and its failing backup check (the component is not ready)', async () => {
    await expect(
      runWith({
        'resource:default/ledger-db': [
          backupResult('fail', 'Newest backup is 4d old, RPO is 1d'),
        ],
      }),
    ).resolves.toMatchObject({
      status: 'fail',
      summary:
        'resource:default/ledger-db: Newest backup within RPO is fail (Newest backup is 4d old, RPO is 1d)',
    });
  });

  it('is unknown, not pass, while a database has no backup results', async () => {
    await expect(runWith({})).resolves.toMatchObject({
      status: 'unknown',
      summary: expect.stringContaining(
        'No backup results yet for resource:default/ledger-db',
      ),
    });
  });
});
