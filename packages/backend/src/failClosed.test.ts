/*
 * Fail closed: what a production entity does not declare fails; it is never skipped.
 *
 * A table of "forgetting" entities, each evaluated by the real engine with the real
 * Kubernetes, Prometheus, backup and SCM modules (a Kubernetes API stand-in that serves no
 * workloads, no Prometheus, backup location or repository configured), asserting the gate answer and the
 * reason a user sees. The control cases at the end must stay allowed.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  createSelfSignedCertificate,
  FakeKubeApiServer,
  startFakeKubeApiServer,
} from '@internal/test-servers';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import backupModule from '@production-readiness/plugin-production-readiness-backend-module-backup';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import kubernetesModule from '@production-readiness/plugin-production-readiness-backend-module-kubernetes';
import prometheusModule from '@production-readiness/plugin-production-readiness-backend-module-prometheus';
import scmModule from '@production-readiness/plugin-production-readiness-backend-module-scm';
import { kubernetesRootConfig } from './__testUtils__/kubernetesConfig';
import {
  GateAnswer,
  ReadinessReport,
} from '@production-readiness/plugin-production-readiness-common';
import request from 'supertest';

jest.setTimeout(120_000);

const TOKEN = 'fail-closed-reader-token';
const OWNER = 'group:default/team-a';
const IN_200_DAYS = new Date(Date.now() + 200 * 86_400_000)
  .toISOString()
  .slice(0, 10);

function entity(
  kind: 'Component' | 'Resource',
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
  relations: Entity['relations'] = [],
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { owner: OWNER, ...spec },
    relations,
  };
}

const documented = {
  'production-readiness.io/runbook': 'https://runbooks.example.com/x',
  'production-readiness.io/on-call': 'pagerduty:PXXXXXX',
  'backstage.io/techdocs-ref': 'dir:.',
};

const component = (
  name: string,
  spec: Record<string, unknown> = {},
  annotations: Record<string, string> = documented,
  dependsOn: string[] = [],
) =>
  entity(
    'Component',
    name,
    { type: 'service', lifecycle: 'production', ...spec, dependsOn },
    annotations,
    dependsOn.map(targetRef => ({ type: 'dependsOn', targetRef })),
  );

const resource = (
  name: string,
  type: string,
  annotations: Record<string, string> = {},
  dependents: string[] = [],
) =>
  entity(
    'Resource',
    name,
    { type },
    annotations,
    dependents.map(targetRef => ({ type: 'dependencyOf', targetRef })),
  );

const ref = (name: string, kind = 'component') => `${kind}:default/${name}`;

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  // A worker with a runbook, on-call and TechDocs, and nothing else.
  component('careless-worker', { type: 'worker' }),
  component('careless-website', { type: 'website' }),
  component('careless-job', { type: 'job' }),
  // No annotations at all, not even documentation.
  component('bare-service', {}, {}),
  // Kubernetes annotations, but no workload in the cluster.
  component(
    'ghost-service',
    {},
    {
      ...documented,
      'backstage.io/kubernetes-id': 'ghost-service',
    },
  ),
  // A typo of production.
  component('typo-service', { lifecycle: 'prod' }),
  // Declares another runtime: Kubernetes evidence cannot exist.
  component(
    'vm-service',
    {},
    {
      ...documented,
      'production-readiness.io/runtime': 'vm',
    },
  ),
  // The owner waives its own critical check by annotation.
  component(
    'self-waived',
    {},
    {
      ...documented,
      'production-readiness.io/waivers': `- check: availability.replicas\n  until: ${IN_200_DAYS}\n  reason: we will scale later, promise`,
    },
  ),
  // Depends on data stores typed as their engine, not "database".
  component('users-service', {}, documented, [
    ref('users-pg', 'resource'),
    ref('sessions-redis', 'resource'),
  ]),
  component('ledger-service', {}, documented, [
    ref('ledger-store', 'resource'),
  ]),
  component('reports-service', {}, documented, [
    ref('reports-mysql', 'resource'),
    ref('exports-bucket', 'resource'),
  ]),
  component('never-evaluated', {}),
  // Owned by the signed-in test user directly: that user is its owner.
  entity(
    'Component',
    'mine',
    { type: 'service', lifecycle: 'production', owner: 'user:default/mock' },
    {
      ...documented,
      'production-readiness.io/waivers': `- check: availability.replicas\n  until: ${IN_200_DAYS}\n  reason: my own service, my own rules`,
    },
  ),
  resource('users-pg', 'postgres', {}, [ref('users-service')]),
  resource('sessions-redis', 'redis', {}, [ref('users-service')]),
  resource('reports-mysql', 'mysql', {}, [ref('reports-service')]),
  resource('exports-bucket', 's3-bucket', {}, [ref('reports-service')]),
  // A type nobody listed, depended on by a production service: it holds data.
  resource('ledger-store', 'ledger-store', {}, [ref('ledger-service')]),
  // A managed database: no Kubernetes, still no backup declared.
  resource('billing-rds', 'postgres', {
    'production-readiness.io/runtime': 'managed',
  }),
  // A database modelled as a Component, and a service that depends on it.
  component('warehouse-pg', { type: 'postgresql' }),
  component('warehouse-api', {}, documented, [ref('warehouse-pg')]),
  // Controls: must stay allowed.
  component('prototype', { lifecycle: 'experimental' }, {}),
  resource('edge-dns', 'dns', {}, [ref('dns-consumer')]),
];

describe('Fail closed: what a production entity does not declare fails; it is never skipped', () => {
  let cluster: FakeKubeApiServer;
  let backend: ReadinessTestBackend;
  const reports = new Map<string, ReadinessReport>();

  const user = mockCredentials.user.header();

  async function gate(entityRef: string): Promise<GateAnswer> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const response = await request(backend.server)
      .get(
        `/api/production-readiness/entities/${kind}/${namespace}/${name}/gate`,
      )
      .set('Authorization', user);
    expect(response.status).toBe(200);
    return response.body;
  }

  const result = (entityRef: string, checkId: string) => {
    const found = reports
      .get(entityRef)
      ?.results.find(r => r.checkId === checkId);
    if (!found) {
      throw new Error(
        `${entityRef} has no result for ${checkId}; it has ${reports
          .get(entityRef)
          ?.results.map(r => r.checkId)
          .join(', ')}`,
      );
    }
    return found;
  };

  beforeAll(async () => {
    const tls = createSelfSignedCertificate();
    cluster = await startFakeKubeApiServer({ objects: [], token: TOKEN, tls });
    backend = await startReadinessTestBackend({
      entities,
      features: [
        kubernetesBackend,
        kubernetesModule,
        prometheusModule,
        backupModule,
        scmModule,
      ],
      rootConfig: kubernetesRootConfig({
        url: cluster.baseUrl,
        token: TOKEN,
        caCert: tls.cert,
      }),
    });
    // Resources first: components read their dependencies' results.
    const order = entities
      .filter(e => e.kind !== 'Group' && e.metadata.name !== 'never-evaluated')
      .sort(
        (a, b) => Number(b.kind === 'Resource') - Number(a.kind === 'Resource'),
      );
    for (const e of order) {
      const entityRef = ref(e.metadata.name, e.kind.toLocaleLowerCase('en-US'));
      reports.set(entityRef, await backend.refresh(entityRef));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
  });

  it.each([
    ['careless-worker', 'worker'],
    ['careless-website', 'website'],
    ['careless-job', 'job'],
    ['bare-service', 'service'],
  ])(
    'blocks a production %s (type %s) that declares no workload, naming what to add',
    async name => {
      const answer = await gate(ref(name));
      expect(answer).toMatchObject({
        requiredLevel: 'silver',
        allowed: false,
      });
      const replicas = answer.blocking.find(
        b => b.checkId === 'availability.replicas',
      );
      expect(replicas).toMatchObject({
        status: 'fail',
        summary: expect.stringMatching(
          /^No workload found: the entity declares neither backstage\.io\/kubernetes-id nor backstage\.io\/kubernetes-label-selector/,
        ),
      });
      // Every pillar coverage requires is on the tab, none vanished.
      const pillars = reports.get(ref(name))!.pillars.map(p => p.pillar);
      expect(pillars.sort()).toEqual(
        [
          'availability',
          'backup',
          'delivery',
          'documentation',
          'logging',
          'monitoring',
          'security',
        ].sort(),
      );
      // How it reaches production is judged too: it names no repository and no workload.
      expect(result(ref(name), 'delivery.pipeline-defined')).toMatchObject({
        status: 'fail',
        summary:
          'No repository: the entity declares no backstage.io/source-location, so its pipeline cannot be read',
      });
      expect(result(ref(name), 'delivery.orchestrated').status).toBe('fail');
      expect(result(ref(name), 'security.run-as-non-root').status).toBe('fail');
      expect(result(ref(name), 'monitoring.prometheus-scraped').status).toBe(
        'unknown',
      );
      expect(result(ref(name), 'availability.replicas').remediation).toContain(
        'production-readiness.io/runtime: vm',
      );
    },
  );

  it('asks a service that says nowhere where its data lives to declare it', async () => {
    const covered = result(
      ref('careless-worker'),
      'backup.dependencies-covered',
    );
    expect(covered).toMatchObject({
      status: 'fail',
      summary:
        'Says nowhere where its data lives: spec.dependsOn lists nothing, and it does not declare production-readiness.io/keeps-no-data',
    });
    expect(covered.remediation).toContain(
      'production-readiness.io/keeps-no-data',
    );
    const answer = await gate(ref('careless-worker'));
    expect(answer.blocking.map(b => b.checkId)).toContain(
      'backup.dependencies-covered',
    );
  });

  it("judges a database modelled as a Component on its own backups, and its service on that database's", async () => {
    const answer = await gate(ref('warehouse-pg'));
    expect(answer.allowed).toBe(false);
    expect(result(ref('warehouse-pg'), 'backup.fresh')).toMatchObject({
      status: 'fail',
      summary:
        'No backup location declared for this postgresql Component: it holds data, and nothing shows it is backed up',
    });
    expect(
      result(ref('warehouse-pg'), 'backup.dependencies-covered'),
    ).toMatchObject({
      status: 'pass',
      summary:
        'Holds its own data (a Component of type postgresql): its backups are judged by the backup checks of this entity',
    });
    // Its backup pillar is not "all good" for want of dependencies.
    const backup = reports
      .get(ref('warehouse-pg'))!
      .pillars.find(p => p.pillar === 'backup')!;
    expect(backup.score).toBeLessThan(100);
    expect(
      result(ref('warehouse-api'), 'backup.dependencies-covered'),
    ).toMatchObject({
      status: 'fail',
      summary:
        'dependencies holding data without a backup: component:default/warehouse-pg (no production-readiness.io/backup-location)',
    });
  });

  it('blocks a service with no annotations at all on its documentation too', async () => {
    const answer = await gate(ref('bare-service'));
    expect(answer.blocking.map(b => b.checkId)).toEqual(
      expect.arrayContaining([
        'documentation.runbook',
        'documentation.on-call',
      ]),
    );
  });

  it('fails a service whose Kubernetes annotations find no workload in the cluster', async () => {
    const answer = await gate(ref('ghost-service'));
    expect(answer.allowed).toBe(false);
    expect(
      answer.blocking.find(b => b.checkId === 'availability.replicas'),
    ).toMatchObject({
      status: 'fail',
      summary:
        'No Deployment, StatefulSet or Argo Rollout matches backstage.io/kubernetes-id=ghost-service in cluster prod',
    });
  });

  it('holds a lifecycle typo to the production level and says which lifecycles exist', async () => {
    const answer = await gate(ref('typo-service'));
    expect(answer).toMatchObject({ requiredLevel: 'silver', allowed: false });
    expect(
      answer.blocking.find(b => b.checkId === 'documentation.lifecycle'),
    ).toMatchObject({
      status: 'fail',
      summary:
        'spec.lifecycle "prod" is not one of production, experimental, deprecated',
    });
    expect(result(ref('typo-service'), 'availability.replicas').status).toBe(
      'fail',
    );
  });

  it('judges a service declared to run on a VM by its hosts, and says unknown where no check judges that runtime', async () => {
    const answer = await gate(ref('vm-service'));
    expect(answer.allowed).toBe(false);
    // Availability and logging: the VM checks replace the Kubernetes ones, and without a
    // Prometheus nothing shows a host.
    const hostsUp = result(ref('vm-service'), 'availability.vm-hosts-up');
    expect(hostsUp).toMatchObject({
      status: 'fail',
      summary:
        'No Prometheus instance is configured (productionReadiness.prometheus.instances)',
    });
    expect(result(ref('vm-service'), 'logging.vm-log-rotation').status).toBe(
      'fail',
    );
    expect(
      reports.get(ref('vm-service'))!.results.map(r => r.checkId),
    ).not.toContain('availability.replicas');
    // Delivery: its repository's pipeline (the Ansible deploy) is the evidence on a VM, so the
    // Kubernetes delivery checks give way, and without a repository it fails.
    expect(
      reports.get(ref('vm-service'))!.results.map(r => r.checkId),
    ).not.toContain('delivery.orchestrated');
    expect(result(ref('vm-service'), 'delivery.pipeline-defined').status).toBe(
      'fail',
    );
    // Security: no installed check judges it on a VM.
    const nonRoot = result(ref('vm-service'), 'security.run-as-non-root');
    expect(nonRoot).toMatchObject({
      status: 'unknown',
      summary:
        'Runs on vm (production-readiness.io/runtime): no kubernetes evidence, and no installed check judges security on vm',
    });
    expect(nonRoot.remediation).toContain('appliesTo.runtime: [vm]');
    expect(answer.blocking.map(b => b.checkId)).toContain(
      'availability.vm-hosts-up',
    );
  });

  it("keeps an owner's annotation waiver of a critical check a request, and refuses its owner's approval", async () => {
    const answer = await gate(ref('self-waived'));
    expect(answer.allowed).toBe(false);
    expect(result(ref('self-waived'), 'availability.replicas')).toMatchObject({
      status: 'fail',
      waiver: {
        state: 'requested',
        requestedBy: OWNER,
        reason: 'we will scale later, promise',
      },
    });
    const listed = await request(backend.server)
      .get('/api/production-readiness/waivers')
      .set('Authorization', user);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({
        entityRef: ref('self-waived'),
        checkId: 'availability.replicas',
        state: 'requested',
        requestedBy: OWNER,
      }),
    );
  });

  it('refuses an owner approving the waiver of their own critical check', async () => {
    const response = await request(backend.server)
      .post(
        '/api/production-readiness/entities/component/default/mine/waivers/requests/availability.replicas/approve',
      )
      .set('Authorization', user)
      .send({});
    expect(response.status).toBe(403);
    expect(response.body.error.message).toBe(
      "availability.replicas is a critical check of user:default/mock's entity: its owners cannot waive it; ask someone outside user:default/mock with the waiver permission (the platform team)",
    );
    expect(result(ref('mine'), 'availability.replicas').status).toBe('fail');
  });

  it('applies the request once someone outside the owning team approves it, for at most the configured maximum', async () => {
    const response = await request(backend.server)
      .post(
        '/api/production-readiness/entities/component/default/self-waived/waivers/requests/availability.replicas/approve',
      )
      .set('Authorization', user)
      .send({});
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      origin: 'annotation',
      state: 'approved',
      requestedBy: OWNER,
      approvedBy: 'user:default/mock',
    });
    // Requested for 200 days; the default maximum is 90 days.
    expect(
      Date.parse(response.body.expiresAt) - Date.now(),
    ).toBeLessThanOrEqual(90 * 86_400_000);
    const report = await request(backend.server)
      .get(
        '/api/production-readiness/entities/component/default/self-waived/report',
      )
      .set('Authorization', user);
    expect(
      (report.body as ReadinessReport).results.find(
        r => r.checkId === 'availability.replicas',
      ),
    ).toMatchObject({
      status: 'waived',
      underlyingStatus: 'fail',
      waiver: { state: 'approved', approvedBy: 'user:default/mock' },
    });
  });

  it('stops applying an approved waiver the moment it expires, and says so', async () => {
    const until = new Date(Date.now() + 1500).toISOString();
    const approved = await request(backend.server)
      .post(
        '/api/production-readiness/entities/component/default/self-waived/waivers/requests/availability.replicas/approve',
      )
      .set('Authorization', user)
      .send({ until });
    expect(approved.status).toBe(201);
    // The earlier approval still runs for 90 days; delete it so only the short one is left.
    const waivers = await request(backend.server)
      .get(
        '/api/production-readiness/entities/component/default/self-waived/waivers',
      )
      .set('Authorization', user);
    for (const w of waivers.body.items.filter(
      (item: { id: string }) => item.id !== approved.body.id,
    )) {
      await request(backend.server)
        .delete(
          `/api/production-readiness/entities/component/default/self-waived/waivers/${w.id}`,
        )
        .set('Authorization', user)
        .expect(204);
    }
    const replicas = async () => {
      const report = await request(backend.server)
        .get(
          '/api/production-readiness/entities/component/default/self-waived/report',
        )
        .set('Authorization', user);
      return (report.body as ReadinessReport).results.find(
        r => r.checkId === 'availability.replicas',
      );
    };
    expect(await replicas()).toMatchObject({
      status: 'waived',
      waiver: { state: 'approved', expiresAt: until },
    });
    await new Promise(r => setTimeout(r, Date.parse(until) - Date.now() + 50));
    // Read before any re-evaluation: the stored result still carries the approval.
    expect(await replicas()).toMatchObject({
      status: 'fail',
      underlyingStatus: 'fail',
      waiver: { state: 'expired', expiresAt: until },
    });
    const answer = await gate(ref('self-waived'));
    expect(answer.allowed).toBe(false);
    expect(answer.blocking.map(b => b.checkId)).toContain(
      'availability.replicas',
    );
  });

  it.each([
    ['users-pg', 'postgres'],
    ['sessions-redis', 'redis'],
    ['reports-mysql', 'mysql'],
    ['exports-bucket', 's3-bucket'],
    ['ledger-store', 'ledger-store'],
    ['billing-rds', 'postgres'],
  ])(
    'blocks the %s Resource (type %s) that declares no backup',
    async (name, type) => {
      const answer = await gate(ref(name, 'resource'));
      expect(answer).toMatchObject({ requiredLevel: 'silver', allowed: false });
      expect(
        answer.blocking.find(b => b.checkId === 'backup.restore-tested'),
      ).toMatchObject({
        status: 'fail',
        summary: `No backup location declared for this ${type} Resource: it holds data, and nothing shows it is backed up`,
      });
      expect(answer.blocking.map(b => b.checkId)).toContain('backup.plan');
    },
  );

  it.each([
    [
      'users-service',
      'resource:default/users-pg, resource:default/sessions-redis',
    ],
    [
      'reports-service',
      'resource:default/reports-mysql, resource:default/exports-bucket',
    ],
    ['ledger-service', 'resource:default/ledger-store'],
  ])(
    'blocks %s while the data stores it depends on have no backup',
    async (name, stores) => {
      const answer = await gate(ref(name));
      expect(answer.allowed).toBe(false);
      expect(
        answer.blocking.find(b => b.checkId === 'backup.dependencies-covered'),
      ).toMatchObject({
        status: 'fail',
        summary: `dependencies holding data without a backup: ${stores} (no production-readiness.io/backup-location)`,
      });
      expect(
        answer.blocking.find(b => b.checkId === 'backup.dependencies-healthy'),
      ).toMatchObject({ status: 'fail' });
    },
  );

  it('blocks a production entity that was never evaluated, saying why', async () => {
    const answer = await gate(ref('never-evaluated'));
    expect(answer).toMatchObject({
      requiredLevel: 'silver',
      achievedLevel: 'none',
      allowed: false,
      blocking: [
        {
          checkId: 'gate.never-evaluated',
          status: 'unknown',
          summary: expect.stringContaining(
            'component:default/never-evaluated has not been evaluated yet',
          ),
        },
      ],
    });
  });

  it('lets through what coverage does not hold to a level: an experimental prototype and a DNS record', async () => {
    expect(await gate(ref('prototype'))).toMatchObject({
      requiredLevel: 'none',
      allowed: true,
    });
    const dns = await gate(ref('edge-dns', 'resource'));
    expect(dns).toMatchObject({ allowed: true, blocking: [] });
    expect(
      reports.get(ref('edge-dns', 'resource'))!.results.map(r => r.checkId),
    ).not.toContain('backup.restore-tested');
  });
});

describe('Fail closed: stale results', () => {
  it('blocks a gate whose newest results are older than gate.maxResultAge', async () => {
    const backend = await startReadinessTestBackend({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'frozen', namespace: 'default' },
          spec: { type: 'service', lifecycle: 'experimental', owner: OWNER },
        },
      ],
      config: {
        requiredLevels: { experimental: 'bronze' },
        gate: { maxResultAge: { milliseconds: 500 } },
      },
    });
    try {
      await backend.refresh(ref('frozen'));
      await new Promise(resolve => setTimeout(resolve, 700));
      const response = await request(backend.server)
        .get('/api/production-readiness/entities/component/default/frozen/gate')
        .set('Authorization', mockCredentials.user.header());
      expect(response.body.allowed).toBe(false);
      expect(response.body.blocking[0]).toMatchObject({
        checkId: 'gate.stale-results',
        summary: expect.stringMatching(
          /^The newest results are .* old \(evaluated /,
        ),
      });
    } finally {
      await backend.stop();
    }
  });
});
