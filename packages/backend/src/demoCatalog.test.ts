import { resolve } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';

jest.setTimeout(60_000);

const examples = resolve(__dirname, '../../../examples');

async function waitForEntities(
  server: Parameters<typeof request>[0],
  filter: string,
  count: number,
) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const response = await request(server)
      .get(`/api/catalog/entities/by-query?filter=${filter}&limit=100`)
      .set('Authorization', mockCredentials.user.header());
    if (response.body.items?.length >= count || Date.now() > deadline) {
      return response;
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('demo catalog', () => {
  it('loads into the real catalog with its teams, services and databases related', async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                { allow: ['Component', 'System', 'Resource', 'Location'] },
              ],
              locations: [
                { type: 'file', target: resolve(examples, 'entities.yaml') },
                {
                  type: 'file',
                  target: resolve(examples, 'org.yaml'),
                  rules: [{ allow: ['User', 'Group'] }],
                },
              ],
              processingInterval: { seconds: 1 },
            },
          },
        }),
      ],
    });
    const server = backend.server;
    try {
      const components = await waitForEntities(server, 'kind=component', 7);
      expect(
        components.body.items.map((e: any) => e.metadata.name).sort(),
      ).toEqual([
        'careless-worker',
        'inventory-api',
        'invoice-batch',
        'ledger-api',
        'ledger-api-v2',
        'orders-api',
        'payments-api',
        'warehouse-db',
      ]);

      const databases = await waitForEntities(
        server,
        'kind=resource,spec.type=database',
        4,
      );
      expect(databases.body.items).toHaveLength(4);

      const orders = await request(server)
        .get('/api/catalog/entities/by-name/component/default/orders-api')
        .set('Authorization', mockCredentials.user.header());
      expect(orders.body.relations).toEqual(
        expect.arrayContaining([
          { type: 'dependsOn', targetRef: 'resource:default/orders-db' },
          { type: 'ownedBy', targetRef: 'group:default/team-orders' },
          { type: 'partOf', targetRef: 'system:default/webshop' },
        ]),
      );

      const groups = await waitForEntities(server, 'kind=group', 3);
      expect(groups.body.items.map((e: any) => e.metadata.name).sort()).toEqual(
        ['platform', 'team-orders', 'team-payments'],
      );
      const guest = await waitForEntities(
        server,
        'kind=user,metadata.name=guest',
        1,
      );
      expect(guest.body.items[0].relations).toEqual(
        expect.arrayContaining([
          { type: 'memberOf', targetRef: 'group:default/team-orders' },
          { type: 'memberOf', targetRef: 'group:default/platform' },
        ]),
      );
    } finally {
      await backend.stop();
    }
  });
});
