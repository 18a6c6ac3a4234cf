import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createGateAction } from './gate';

describe('production-readiness:gate', () => {
  let server: http.Server;
  let baseUrl: string;
  const requests: Array<{ url: string; authorization?: string }> = [];
  let answer: { status: number; body: unknown };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({
        url: req.url!,
        authorization: req.headers.authorization,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/production-readiness`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  beforeEach(() => {
    requests.length = 0;
  });

  function createAction() {
    return createGateAction({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId => {
          if (pluginId !== 'production-readiness') {
            throw new Error(`unexpected plugin ${pluginId}`);
          }
          return baseUrl;
        },
      }),
      auth: mockServices.auth(),
    });
  }

  it('passes when the gate allows, with a service token for production-readiness', async () => {
    answer = {
      status: 200,
      body: {
        entityRef: 'component:default/orders-api',
        requiredLevel: 'silver',
        achievedLevel: 'gold',
        allowed: true,
        blocking: [],
      },
    };
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/orders-api' },
    });
    await createAction().handler(ctx as any);
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe(
      '/api/production-readiness/entities/component/default/orders-api/gate',
    );
    expect(requests[0].authorization).toMatch(/^Bearer .*production-readiness/);
    expect(ctx.output).toHaveBeenCalledWith('allowed', true);
    expect(ctx.output).toHaveBeenCalledWith('achievedLevel', 'gold');
  });

  it('fails listing the blocking checks when the gate does not allow', async () => {
    answer = {
      status: 200,
      body: {
        entityRef: 'component:default/orders-api',
        requiredLevel: 'silver',
        achievedLevel: 'none',
        allowed: false,
        blocking: [
          {
            checkId: 'backup.restore-tested',
            title: 'Restore tested',
            severity: 'critical',
            status: 'fail',
            summary: 'No restore-test record',
          },
          {
            checkId: 'monitoring.alert-routing',
            title: 'Alerts routed',
            severity: 'critical',
            status: 'error',
            summary: 'Alertmanager unreachable',
          },
        ],
      },
    };
    const ctx = createMockActionContext({
      input: { entityRef: 'orders-api', level: 'silver' },
    });
    await expect(createAction().handler(ctx as any)).rejects.toThrow(
      'component:default/orders-api reaches level none, silver is required. Blocking checks:\n- backup.restore-tested (critical, fail): No restore-test record\n- monitoring.alert-routing (critical, error): Alertmanager unreachable',
    );
    expect(requests[0].url).toBe(
      '/api/production-readiness/entities/component/default/orders-api/gate?level=silver',
    );
  });

  it('encodes every part of the entity ref', async () => {
    answer = {
      status: 404,
      body: { error: { name: 'NotFoundError', message: 'no such entity' } },
    };
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/a?b#c' },
    });
    await expect(createAction().handler(ctx as any)).rejects.toThrow(/404/);
    expect(requests[0].url).toBe(
      '/api/production-readiness/entities/component/default/a%3Fb%23c/gate',
    );
  });

  it('in a dry run reports what it would check without calling the gate', async () => {
    // createMockActionContext drops isDryRun, so set it on the context it returns.
    const ctx = {
      ...createMockActionContext({
        input: { entityRef: 'component:default/orders-api', level: 'gold' },
      }),
      isDryRun: true,
    };
    await createAction().handler(ctx as any);
    expect(requests).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith('requiredLevel', 'gold');
    expect(ctx.output).toHaveBeenCalledWith('blocking', []);
  });

  it.each([
    [{ entityRef: 'component:default/' }, /entityRef/],
    [
      { entityRef: 'orders-api', level: 'GOLD&x=1' },
      /level: must be a level name/,
    ],
  ])('refuses invalid input %p', async (input, message) => {
    const ctx = createMockActionContext({ input });
    await expect(createAction().handler(ctx as any)).rejects.toThrow(message);
    expect(requests).toHaveLength(0);
  });
});
