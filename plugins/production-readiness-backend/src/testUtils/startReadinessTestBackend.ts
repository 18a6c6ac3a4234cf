import {
  BackendFeature,
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  OverviewEntry,
  PushedResult,
  ReadinessReport,
} from '@production-readiness/plugin-production-readiness-common';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { productionReadinessPlugin } from '../plugin';

/** A running test backend with the engine, and helpers to call its API. @public */
export interface ReadinessTestBackend {
  server: Parameters<typeof request>[0];
  /** `http://127.0.0.1:<port>`, for callers outside this process (jobs, CLIs). */
  baseUrl: string;
  /**
   * `POST .../refresh`, by default as a user; throws unless the answer is 200.
   * `authorization` is the header to send instead (e.g. `Bearer <static token>`).
   */
  refresh(entityRef: string, authorization?: string): Promise<ReadinessReport>;
  /** The statuses of a report by check id, for compact assertions. */
  statuses(report: ReadinessReport): Record<string, string>;
  /**
   * `POST /results` (pushed evidence), by default as a service principal; returns the
   * answer whatever its status.
   */
  pushResult(
    body: PushedResult,
    authorization?: string,
  ): Promise<{ status: number; body: any }>;
  /** `GET /overview` as a user; throws unless the answer is 200. */
  overview(): Promise<OverviewEntry[]>;
  stop(): Promise<void>;
}

/**
 * Starts a test backend with the real Production Readiness plugin, the given modules and an
 * in-memory catalog of `entities`. Permissions allow everything unless `permission` says
 * otherwise; notifications go to a mock; the scheduled refresh does not run, so tests drive
 * evaluation through `refresh`. `config` is merged under `productionReadiness`.
 *
 * @public
 */
export async function startReadinessTestBackend(options: {
  entities: Entity[];
  features?: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
  config?: Record<string, unknown>;
  /** Root config besides `productionReadiness` (e.g. `kubernetes`). */
  rootConfig?: Record<string, unknown>;
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  /**
   * Service factories that replace the test backend's for the same services, e.g. the real
   * `authServiceFactory` and `httpAuthServiceFactory` of `@backstage/backend-defaults` to
   * call the API with `backend.auth.externalAccess` tokens (then set `rootConfig.backend`).
   */
  services?: ServiceFactory[];
}): Promise<ReadinessTestBackend> {
  const services = options.services ?? [];
  const replaced = new Set(services.map(s => s.service.id));
  const defaults: ServiceFactory[] = [
    catalogServiceMock.factory({ entities: options.entities }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({ send: async () => {} }),
    }),
    mockServices.permissions.factory({
      result: options.permission ?? AuthorizeResult.ALLOW,
    }),
    // Requests without a token are anonymous, as in a real backend.
    mockServices.httpAuth.factory({
      defaultCredentials: mockCredentials.none(),
    }),
    mockServices.rootConfig.factory({
      data: {
        ...(options.rootConfig as JsonObject),
        productionReadiness: {
          schedule: {
            frequency: { hours: 1 },
            timeout: { minutes: 5 },
            initialDelay: { hours: 1 },
          },
          ...(options.config as JsonObject),
        },
      },
    }),
  ];
  const backend = await startTestBackend({
    features: [
      productionReadinessPlugin,
      ...(options.features ?? []),
      ...defaults.filter(f => !replaced.has(f.service.id)),
      ...services,
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    server: backend.server,
    baseUrl: `http://127.0.0.1:${port}`,
    async refresh(entityRef, authorization = mockCredentials.user.header()) {
      const { kind, namespace, name } = parseEntityRef(entityRef);
      const response = await request(backend.server)
        .post(
          `/api/production-readiness/entities/${kind}/${namespace}/${name}/refresh`,
        )
        .set('Authorization', authorization);
      if (response.status !== 200) {
        throw new Error(
          `Refresh of ${entityRef} answered ${
            response.status
          }: ${JSON.stringify(response.body)}`,
        );
      }
      return response.body;
    },
    statuses(report) {
      return Object.fromEntries(report.results.map(r => [r.checkId, r.status]));
    },
    async pushResult(body, authorization = mockCredentials.service.header()) {
      const response = await request(backend.server)
        .post('/api/production-readiness/results')
        .set('Authorization', authorization)
        .send(body);
      return { status: response.status, body: response.body };
    },
    async overview() {
      const response = await request(backend.server)
        .get('/api/production-readiness/overview')
        .set('Authorization', mockCredentials.user.header());
      if (response.status !== 200) {
        throw new Error(
          `Overview answered ${response.status}: ${JSON.stringify(
            response.body,
          )}`,
        );
      }
      return response.body.items;
    },
    stop: () => backend.stop(),
  };
}
