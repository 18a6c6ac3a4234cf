import { mockServices } from '@backstage/backend-test-utils';
import { snapshotsOf, useTestClusters } from '../__testUtils__/clusters';
import { ENTITIES, NOW } from '../__testUtils__/fixtures';
import { OperatorDatabaseClustersCollector } from './OperatorDatabaseClustersCollector';

jest.setTimeout(60_000);

const clusters = useTestClusters();

async function collect(entities = Object.values(ENTITIES)) {
  const snapshots = snapshotsOf(clusters.definitions);
  try {
    return await new OperatorDatabaseClustersCollector(snapshots).collect(
      entities,
      {
        logger: mockServices.logger.mock(),
        signal: new AbortController().signal,
        now: NOW,
      },
    );
  } finally {
    snapshots.close();
  }
}

describe('operator database clusters (CloudNativePG)', () => {
  it('reports the CloudNativePG Clusters an entity selects, with what the operator says of them', async () => {
    const collected = await collect([
      ENTITIES.paymentsDb,
      ENTITIES.analyticsDb,
      ENTITIES.ordersDb,
    ]);
    expect(collected.errors).toEqual(new Map());
    expect(collected.facts.get('resource:default/payments-db')).toEqual({
      clusters: [
        {
          name: 'CloudNativePG Cluster payments/payments-db on cluster prod-eu',
          source: 'kubernetes:prod-eu',
          instances: 3,
          readyInstances: 3,
          primary: expect.stringMatching(/^payments-db-\d$/),
          condition: 'healthy',
          state: 'phase "Cluster in healthy state"',
        },
      ],
    });
    expect(
      collected.facts.get('resource:default/analytics-db')!.clusters,
    ).toMatchObject([
      {
        instances: 3,
        readyInstances: 2,
        condition: 'routine-operation',
        state:
          'phase "Waiting for the instances to become active" (Some instances are not yet active. Please wait.)',
      },
    ]);
    // A StatefulSet database: no operator cluster, so no evidence from this source.
    expect(collected.facts.get('resource:default/orders-db')).toEqual({
      clusters: [],
    });
    expect(collected.claims!.get('resource:default/payments-db')).toEqual([
      expect.objectContaining({
        kind: 'kubernetes-workload',
        id: 'prod-eu/payments/Cluster.postgresql.cnpg.io/payments-db',
      }),
    ]);
  });
});
