import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PushedResult } from '@production-readiness/plugin-production-readiness-common';
import { startReadinessTestBackend } from '../testUtils';

jest.setTimeout(60_000);

const database = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default' },
  spec: { type: 'database', owner },
});

const entities = [
  database('inventory-db', 'team-inventory'),
  database('ledger-db', 'team-finance'),
  database('payroll-db', 'group:default/team-finance'),
];

const restoreTest = (entityRef: string): PushedResult => {
  const finishedAt = new Date(Date.now() - 60_000).toISOString();
  return {
    entityRef,
    type: 'restore-test',
    observedAt: finishedAt,
    payload: {
      backupId: '20261205-020000F',
      startedAt: new Date(Date.now() - 600_000).toISOString(),
      finishedAt,
      status: 'succeeded',
      durationSeconds: 540,
      validations: [{ name: 'roles', ok: true }],
    },
  };
};

const principals = [
  // The subject of mockCredentials.service().
  {
    subject: 'external:test-service',
    entities: ['resource:default/inventory-db'],
  },
  { subject: 'finance-restore-job', owners: ['team-finance'] },
];

describe('who may push results', () => {
  it('lets a service principal push for the entities or owners named for it, and refuses the rest with the reason', async () => {
    const backend = await startReadinessTestBackend({
      entities,
      config: { pushedResults: { principals } },
    });
    try {
      expect(
        (await backend.pushResult(restoreTest('resource:default/inventory-db')))
          .status,
      ).toBe(201);
      const other = await backend.pushResult(
        restoreTest('resource:default/ledger-db'),
      );
      expect(other.status).toBe(403);
      expect(other.body.error.message).toBe(
        'Service principal external:test-service may not push results for resource:default/ledger-db: productionReadiness.pushedResults.principals names neither this entity nor its owner (group:default/team-finance) for it',
      );
      // A refused caller learns nothing about the payload.
      const malformed = await backend.pushResult({
        ...restoreTest('resource:default/ledger-db'),
        payload: { status: 'maybe' },
      });
      expect(malformed.status).toBe(403);
      expect(
        (await backend.pushResult(restoreTest('resource:default/nope-db')))
          .status,
      ).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('refuses users the permission policy denies, and takes a malformed payload from an allowed user as a 400 naming the field', async () => {
    const denied = await startReadinessTestBackend({
      entities,
      permission: AuthorizeResult.DENY,
    });
    try {
      const response = await denied.pushResult(
        restoreTest('resource:default/inventory-db'),
        mockCredentials.user.header('user:default/mallory'),
      );
      expect(response.status).toBe(403);
      expect(response.body.error.message).toBe(
        "Not allowed: production-readiness.results.push on resource:default/inventory-db: only the entity's owners and the service principals named in productionReadiness.pushedResults.principals may push its evidence",
      );
    } finally {
      await denied.stop();
    }
    const allowed = await startReadinessTestBackend({ entities });
    try {
      const response = await allowed.pushResult(
        {
          ...restoreTest('resource:default/inventory-db'),
          payload: {
            ...restoreTest('resource:default/inventory-db').payload,
            durationSeconds: -5,
          },
        },
        mockCredentials.user.header('user:default/ines'),
      );
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(
        /^Invalid restore-test record: payload\.durationSeconds: /,
      );
    } finally {
      await allowed.stop();
    }
  });

  it('answers 429 to a caller beyond the limit, and keeps serving other callers', async () => {
    const backend = await startReadinessTestBackend({
      entities,
      config: {
        pushedResults: {
          principals,
          rateLimit: { limit: 2, window: { minutes: 10 } },
        },
      },
    });
    try {
      const push = (authorization?: string) =>
        backend.pushResult(
          restoreTest('resource:default/inventory-db'),
          authorization,
        );
      expect((await push()).status).toBe(201);
      // Refused requests count too: a caller cannot probe around the limit.
      const malformed = await backend.pushResult({
        ...restoreTest('resource:default/inventory-db'),
        type: 'unheard-of',
      });
      expect(malformed.status).toBe(400);
      const limited = await push();
      expect(limited.status).toBe(429);
      expect(limited.body.error.message).toBe(
        'service:external:test-service pushed more than 2 results in 600 s; try again after the time in the RateLimit header',
      );
      // Every caller has its own count.
      expect(
        (await push(mockCredentials.user.header('user:default/ines'))).status,
      ).toBe(201);
    } finally {
      await backend.stop();
    }
  });
});

// The real auth services of @backstage/backend-defaults, with static tokens from
// backend.auth.externalAccess: how a restore-test job or a CI pipeline calls the API.
describe('pushes with backend.auth.externalAccess static tokens', () => {
  const FINANCE_TOKEN = 'finance-restore-job-token-0123456789';
  const ORDERS_TOKEN = 'orders-ci-token-0123456789abcdef';
  const RESTRICTED_TOKEN = 'read-only-token-0123456789abcdef';

  it('lets each token push for what its subject is named for', async () => {
    const backend = await startReadinessTestBackend({
      entities,
      // The real auth and permission services: static tokens, their access restrictions.
      services: [
        authServiceFactory,
        httpAuthServiceFactory,
        permissionsServiceFactory,
      ],
      rootConfig: {
        permission: { enabled: true },
        backend: {
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: {
                  token: FINANCE_TOKEN,
                  subject: 'finance-restore-job',
                },
              },
              {
                type: 'static',
                options: { token: ORDERS_TOKEN, subject: 'orders-ci' },
              },
              {
                type: 'static',
                options: {
                  token: RESTRICTED_TOKEN,
                  subject: 'finance-restore-job',
                },
                accessRestrictions: [
                  {
                    plugin: 'production-readiness',
                    permission: 'production-readiness.report.read',
                  },
                ],
              },
            ],
          },
        },
      },
      config: { pushedResults: { principals } },
    });
    const push = (token: string, entityRef: string) =>
      backend.pushResult(restoreTest(entityRef), `Bearer ${token}`);
    try {
      // Named by owner: both of team-finance's databases, however their owner is written.
      for (const name of ['ledger-db', 'payroll-db']) {
        const pushed = await push(FINANCE_TOKEN, `resource:default/${name}`);
        expect([name, pushed.status]).toEqual([name, 201]);
      }
      const foreign = await push(
        FINANCE_TOKEN,
        'resource:default/inventory-db',
      );
      expect(foreign.status).toBe(403);
      const unnamed = await push(ORDERS_TOKEN, 'resource:default/ledger-db');
      expect(unnamed.status).toBe(403);
      expect(unnamed.body.error.message).toBe(
        'Service principal orders-ci may not push results: it is not named in productionReadiness.pushedResults.principals',
      );
      // A token whose access restrictions leave out the push permission cannot push.
      const restricted = await push(
        RESTRICTED_TOKEN,
        'resource:default/ledger-db',
      );
      expect(restricted.status).toBe(403);
      expect(
        (await push('not-a-configured-token', 'resource:default/ledger-db'))
          .status,
      ).toBe(401);
    } finally {
      await backend.stop();
    }
  });
});
