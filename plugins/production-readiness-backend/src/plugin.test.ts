import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  checkResult,
  createFactCollector,
  createReadinessCheck,
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
} from '@production-readiness/plugin-production-readiness-node';
import request from 'supertest';
import { startReadinessTestBackend } from './testUtils';

jest.setTimeout(60_000);

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders-api', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-orders' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-payments' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-orders', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

/** A module with one live-style check, so the API has results that differ per entity. */
const replicasModule = createBackendModule({
  pluginId: 'production-readiness',
  moduleId: 'test-replicas',
  register(reg) {
    reg.registerInit({
      deps: {
        checks: productionReadinessChecksExtensionPoint,
        collectors: productionReadinessCollectorsExtensionPoint,
      },
      async init({ checks, collectors }) {
        collectors.addCollectors(
          createFactCollector({
            id: 'replicas',
            title: 'Replicas',
            collect: async () => ({
              facts: new Map([
                ['component:default/orders-api', 3],
                ['component:default/payments-api', 1],
              ]),
            }),
          }),
        );
        checks.addChecks(
          createReadinessCheck({
            id: 'availability.replicas',
            pillar: 'availability',
            title: 'At least two replicas',
            description: 'One replica means downtime on every deploy.',
            severity: 'critical',
            remediation: 'Set spec.replicas to 2 or more.',
            collectors: ['replicas'],
            evaluate: ({ facts }) => {
              const replicas = facts<number>('replicas');
              if (replicas === undefined)
                return checkResult.unknown('No workload');
              return replicas >= 2
                ? checkResult.pass(`${replicas} replicas`)
                : checkResult.fail(`${replicas} replica`);
            },
          }),
        );
      },
    });
  },
});

async function startBackend(
  options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
) {
  return startReadinessTestBackend({
    features: [replicasModule],
    entities,
    permission: options.permission,
    config: {
      refresh: { minInterval: { seconds: 30 } },
      pushedResults: {
        types: ['chaos-drill'],
        principals: [
          // mockCredentials.service()'s subject
          {
            subject: 'external:test-service',
            entities: ['component:default/orders-api'],
          },
        ],
      },
      checks: [
        {
          id: 'documentation.slack-channel',
          type: 'annotation',
          pillar: 'documentation',
          title: 'Team channel declared',
          severity: 'minor',
          remediation: 'Add the example.com/slack-channel annotation.',
          annotation: 'example.com/slack-channel',
          appliesTo: { kind: ['Component'] },
        },
      ],
    },
  });
}

const base = '/api/production-readiness';
const user = mockCredentials.user.header();

describe('production-readiness backend API', () => {
  let backend: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(() => backend?.stop());

  it('lists the check catalogue with built-in, module and config-declared checks', async () => {
    const response = await request(backend.server)
      .get(`${base}/checks`)
      .set('Authorization', user);
    expect(response.status).toBe(200);
    const ids = response.body.checks.map((c: { id: string }) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'documentation.owner',
        'backup.dependencies-covered',
        'availability.replicas',
        'documentation.slack-channel',
      ]),
    );
    expect(response.body.levels.map((l: { name: string }) => l.name)).toEqual([
      'bronze',
      'silver',
      'gold',
    ]);
    expect(response.body.requiredLevels).toEqual({
      production: 'silver',
      experimental: 'none',
    });
    expect(response.body.defaultRequiredLevel).toBe('silver');
  });

  it('requires authentication', async () => {
    const response = await request(backend.server).get(`${base}/checks`);
    expect(response.status).toBe(401);
  });

  it('returns an empty report and a closed gate before the first evaluation', async () => {
    const report = await request(backend.server)
      .get(`${base}/entities/component/default/payments-api/report`)
      .set('Authorization', user);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      results: [],
      score: 0,
      gate: { allowed: false },
    });
  });

  it('refreshes an entity on demand and answers report and gate from the results', async () => {
    const refresh = await request(backend.server)
      .post(`${base}/entities/component/default/payments-api/refresh`)
      .set('Authorization', user);
    expect(refresh.status).toBe(200);
    const replicas = refresh.body.results.find(
      (r: { checkId: string }) => r.checkId === 'availability.replicas',
    );
    expect(replicas).toMatchObject({
      status: 'fail',
      summary: '1 replica',
      remediation: 'Set spec.replicas to 2 or more.',
    });
    expect(
      refresh.body.results.find(
        (r: { checkId: string }) => r.checkId === 'documentation.slack-channel',
      ),
    ).toMatchObject({ status: 'fail' });

    const gate = await request(backend.server)
      .get(`${base}/entities/component/default/payments-api/gate`)
      .set('Authorization', user);
    expect(gate.status).toBe(200);
    expect(gate.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      requiredLevel: 'silver',
      achievedLevel: 'none',
      allowed: false,
    });
    expect(gate.body.blocking).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          checkId: 'availability.replicas',
          severity: 'critical',
        }),
      ]),
    );

    const none = await request(backend.server)
      .get(`${base}/entities/component/default/payments-api/gate?level=none`)
      .set('Authorization', user);
    expect(none.body.allowed).toBe(true);
  });

  it('rate-limits on-demand refresh per entity', async () => {
    const first = await request(backend.server)
      .post(`${base}/entities/component/default/orders-api/refresh`)
      .set('Authorization', user);
    expect(first.status).toBe(200);
    const second = await request(backend.server)
      .post(`${base}/entities/component/default/orders-api/refresh`)
      .set('Authorization', user);
    expect(second.status).toBe(429);
    expect(second.body.error.message).toMatch(/refreshed less than 30 s ago/);
  });

  it('answers 400 for invalid refs, levels and bodies, 404 for unknown entities', async () => {
    const badKind = await request(backend.server)
      .get(`${base}/entities/not%20a%20kind/default/x/report`)
      .set('Authorization', user);
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toBe('Invalid entity kind "not a kind"');

    const badLevel = await request(backend.server)
      .get(`${base}/entities/component/default/orders-api/gate?level=platinum`)
      .set('Authorization', user);
    expect(badLevel.status).toBe(400);
    expect(badLevel.body.error.message).toMatch(/Unknown level "platinum"/);

    const unknown = await request(backend.server)
      .get(`${base}/entities/component/default/nope/report`)
      .set('Authorization', user);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'Entity component:default/nope not found in the catalog',
    );

    const badWaiver = await request(backend.server)
      .post(`${base}/entities/component/default/orders-api/waivers`)
      .set('Authorization', user)
      .send({ check: 'availability.replicas', until: 'someday', reason: 'x' });
    expect(badWaiver.status).toBe(400);
    expect(badWaiver.body.error.message).toMatch(
      /^Invalid request body: .*reason.*until|^Invalid request body: .*until/,
    );

    const badPush = await request(backend.server)
      .post(`${base}/results`)
      .set('Authorization', user)
      .send({
        entityRef: 'component:default/orders-api',
        type: 'Restore Test!',
        observedAt: 'now',
        payload: {},
      });
    expect(badPush.status).toBe(400);
  });

  it('creates, lists, applies and deletes waivers', async () => {
    const created = await request(backend.server)
      .post(`${base}/entities/component/default/payments-api/waivers`)
      .set('Authorization', user)
      .send({
        check: 'availability.replicas',
        until: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        reason: 'scaling out after the migration on Friday',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ createdBy: 'user:default/mock' });

    const unknownCheck = await request(backend.server)
      .post(`${base}/entities/component/default/payments-api/waivers`)
      .set('Authorization', user)
      .send({
        check: 'no.such-check',
        until: '2026-12-31',
        reason: 'because reasons',
      });
    expect(unknownCheck.status).toBe(400);

    const list = await request(backend.server)
      .get(`${base}/entities/component/default/payments-api/waivers`)
      .set('Authorization', user);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: created.body.id,
        checkId: 'availability.replicas',
        expired: false,
      }),
    ]);

    const deleted = await request(backend.server)
      .delete(
        `${base}/entities/component/default/payments-api/waivers/${created.body.id}`,
      )
      .set('Authorization', user);
    expect(deleted.status).toBe(204);
    const again = await request(backend.server)
      .delete(
        `${base}/entities/component/default/payments-api/waivers/${created.body.id}`,
      )
      .set('Authorization', user);
    expect(again.status).toBe(404);
  });

  it('accepts pushed results for known entities only', async () => {
    const hoursAgo = (h: number) =>
      new Date(Date.now() - h * 3_600_000).toISOString();
    const record = {
      entityRef: 'component:default/orders-api',
      backupId: '20261121-020000F',
      startedAt: hoursAgo(2),
      finishedAt: hoursAgo(1),
      status: 'succeeded',
      durationSeconds: 3600,
    };
    const push = (body: object) =>
      request(backend.server)
        .post(`${base}/results`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          entityRef: 'component:default/orders-api',
          type: 'restore-test',
          observedAt: hoursAgo(1),
          payload: record,
          ...body,
        });

    const pushed = await push({});
    expect(pushed.status).toBe(201);
    expect(pushed.body).toMatchObject({
      entityRef: 'component:default/orders-api',
      type: 'restore-test',
    });

    const unknown = await push({
      entityRef: 'component:default/nope',
      payload: { ...record, entityRef: undefined },
    });
    expect(unknown.status).toBe(404);

    const refused = async (body: object, message: string | RegExp) => {
      const response = await push(body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(message);
    };
    await refused(
      { payload: { ...record, status: 'ok' } },
      /^Invalid restore-test record: payload.status: /,
    );
    await refused(
      { payload: { ...record, durationSeconds: undefined } },
      /^Invalid restore-test record: payload.durationSeconds: /,
    );
    await refused(
      { payload: { ...record, entityRef: 'component:default/payments-api' } },
      `payload.entityRef "component:default/payments-api" is not the record's entityRef component:default/orders-api`,
    );
    await refused(
      { type: 'uptime' },
      'Unknown record type "uptime": accepted are restore-test, backup-run, load-test, chaos-drill (a platform declares more in productionReadiness.pushedResults.types)',
    );
    await refused(
      { observedAt: new Date(Date.now() + 3 * 86_400_000).toISOString() },
      /is in the future: more than 5 minutes after the server's clock/,
    );
    await refused(
      { observedAt: hoursAgo(181 * 24) },
      /is older than the history retention \(180 days\)/,
    );
    // A few seconds ahead is clock skew, not a future record.
    expect(
      (await push({ observedAt: new Date(Date.now() + 30_000).toISOString() }))
        .status,
    ).toBe(201);

    // Each built-in type has its schema; a type the platform declares takes any object.
    expect(
      (
        await push({
          type: 'backup-run',
          payload: {
            backupId: '20261121-020000F',
            startedAt: hoursAgo(3),
            finishedAt: hoursAgo(2),
            status: 'failed',
            error: 'archive-push timed out',
          },
        })
      ).status,
    ).toBe(201);
    await refused(
      {
        type: 'load-test',
        payload: {
          startedAt: hoursAgo(3),
          finishedAt: hoursAgo(2),
          status: 'succeeded',
          errorRate: 7,
        },
      },
      /^Invalid load-test record: payload.errorRate: /,
    );
    expect(
      (await push({ type: 'chaos-drill', payload: { killed: 'az-b' } })).status,
    ).toBe(201);
  });

  it('lists the fleet overview with filters', async () => {
    const all = await request(backend.server)
      .get(`${base}/overview`)
      .set('Authorization', user);
    expect(all.status).toBe(200);
    expect(
      all.body.items.map((e: { entityRef: string }) => e.entityRef).sort(),
    ).toEqual([
      'component:default/orders-api',
      'component:default/payments-api',
    ]);
    const payments = all.body.items.find(
      (e: { entityRef: string }) =>
        e.entityRef === 'component:default/payments-api',
    );
    expect(payments).toMatchObject({
      requiredLevel: 'silver',
      allowed: false,
      lifecycle: 'production',
      owner: 'group:default/team-payments',
    });

    const owned = await request(backend.server)
      .get(`${base}/overview?owner=team-orders`)
      .set('Authorization', user);
    expect(
      owned.body.items.map((e: { entityRef: string }) => e.entityRef),
    ).toEqual(['component:default/orders-api']);
  });
});

describe('production-readiness backend API without permission', () => {
  it('answers 403 on every guarded route', async () => {
    const backend = await startBackend({ permission: AuthorizeResult.DENY });
    try {
      const routes: Array<[string, string]> = [
        ['get', '/entities/component/default/orders-api/report'],
        ['get', '/entities/component/default/orders-api/gate'],
        ['post', '/entities/component/default/orders-api/refresh'],
        ['get', '/entities/component/default/orders-api/waivers'],
        ['post', '/results'],
      ];
      for (const [method, path] of routes) {
        const req = (request(backend.server) as any)
          [method](`${base}${path}`)
          .set('Authorization', user);
        const response = await (method === 'post' && path === '/results'
          ? req.send({
              entityRef: 'component:default/orders-api',
              type: 'restore-test',
              observedAt: '2026-11-21T03:00:00Z',
              payload: {},
            })
          : req);
        expect([path, response.status]).toEqual([path, 403]);
      }
      const overview = await request(backend.server)
        .get(`${base}/overview`)
        .set('Authorization', user);
      expect(overview.body.items).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
