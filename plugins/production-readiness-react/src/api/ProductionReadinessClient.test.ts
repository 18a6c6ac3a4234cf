import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ProductionReadinessClient } from './ProductionReadinessClient';

const baseUrl = 'http://backstage.test/api/production-readiness';

describe('ProductionReadinessClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ProductionReadinessClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: new MockFetchApi(),
  });

  it('addresses entity routes by kind, namespace and name, encoded', async () => {
    const seen: string[] = [];
    server.use(
      http.get(
        `${baseUrl}/entities/:kind/:namespace/:name/report`,
        ({ request }) => {
          seen.push(new URL(request.url).pathname);
          return HttpResponse.json({
            entityRef: 'component:default/orders-api',
            results: [],
          });
        },
      ),
    );
    await expect(
      client.getReport('component:default/orders-api'),
    ).resolves.toMatchObject({
      entityRef: 'component:default/orders-api',
    });
    await client.getReport('component:team a/weird name');
    expect(seen).toEqual([
      '/api/production-readiness/entities/component/default/orders-api/report',
      '/api/production-readiness/entities/component/team%20a/weird%20name/report',
    ]);
  });

  it('throws a ResponseError carrying the backend message', async () => {
    server.use(
      http.post(
        `${baseUrl}/entities/component/default/orders-api/refresh`,
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'NotAllowedError',
                message: 'Not allowed: production-readiness.report.refresh',
              },
              response: { statusCode: 403 },
            },
            { status: 403 },
          ),
      ),
    );
    await expect(
      client.refresh('component:default/orders-api'),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: {
        error: { message: 'Not allowed: production-readiness.report.refresh' },
      },
    });
  });

  it('passes overview filters and the gate level as query parameters', async () => {
    const queries: string[] = [];
    server.use(
      http.get(`${baseUrl}/overview`, ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json({
          items: [{ entityRef: 'component:default/a' }],
        });
      }),
      http.get(
        `${baseUrl}/entities/component/default/a/gate`,
        ({ request }) => {
          queries.push(new URL(request.url).search);
          return HttpResponse.json({ allowed: true });
        },
      ),
    );
    await expect(
      client.getOverview({ owner: 'team-orders', level: undefined }),
    ).resolves.toEqual([{ entityRef: 'component:default/a' }]);
    await client.getOverview();
    await client.getGate('component:default/a', 'gold');
    expect(queries).toEqual(['?owner=team-orders', '', '?level=gold']);
  });

  it('creates and deletes waivers', async () => {
    let created: unknown;
    server.use(
      http.post(
        `${baseUrl}/entities/component/default/a/waivers`,
        async ({ request }) => {
          created = await request.json();
          return HttpResponse.json({ id: 'w1' }, { status: 201 });
        },
      ),
      http.delete(
        `${baseUrl}/entities/component/default/a/waivers/w1`,
        () => new HttpResponse(null, { status: 204 }),
      ),
    );
    await expect(
      client.createWaiver('component:default/a', {
        check: 'availability.pdb',
        reason: 'batch worker',
        until: '2026-12-31',
      }),
    ).resolves.toEqual({ id: 'w1' });
    expect(created).toEqual({
      check: 'availability.pdb',
      reason: 'batch worker',
      until: '2026-12-31',
    });
    await expect(
      client.deleteWaiver('component:default/a', 'w1'),
    ).resolves.toBeUndefined();
  });
});
