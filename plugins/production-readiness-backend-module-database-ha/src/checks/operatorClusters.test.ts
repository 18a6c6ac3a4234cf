import { OperatorDatabaseCluster } from '@production-readiness/plugin-production-readiness-node';
import { judgeOperatorClusters } from './operatorClusters';

const TWO = { instances: 2, why: 'a leader and a replica' };

const HEALTHY: OperatorDatabaseCluster = {
  name: 'CloudNativePG Cluster shop/orders-db on cluster prod',
  source: 'kubernetes:prod',
  instances: 3,
  readyInstances: 3,
  primary: 'orders-db-1',
  condition: 'healthy',
  state: 'phase "Cluster in healthy state"',
};

describe('judgeOperatorClusters', () => {
  it('is no evidence when the entity selects no operator cluster', () => {
    expect(judgeOperatorClusters({ clusters: [] }, TWO)).toBe(undefined);
  });

  it('passes a healthy cluster with its primary and ready instances', () => {
    expect(judgeOperatorClusters({ clusters: [HEALTHY] }, TWO)).toMatchObject({
      status: 'pass',
      summary:
        'CloudNativePG Cluster shop/orders-db on cluster prod: primary orders-db-1, 3 of 3 instances ready; 2 needed (a leader and a replica)',
    });
  });

  it('fails a single instance and a cluster its operator reports unhealthy', () => {
    const result = judgeOperatorClusters(
      {
        clusters: [
          { ...HEALTHY, instances: 1, readyInstances: 1 },
          {
            ...HEALTHY,
            name: 'CloudNativePG Cluster shop/stock-db on cluster prod',
            readyInstances: 1,
            primary: undefined,
            condition: 'unhealthy',
            state: 'phase "Failing over"',
          },
        ],
      },
      TWO,
    )!;
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      'CloudNativePG Cluster shop/orders-db on cluster prod asks for 1 instances, 2 needed (a leader and a replica); CloudNativePG Cluster shop/stock-db on cluster prod has 1 of the 2 instances needed (a leader and a replica) ready; CloudNativePG Cluster shop/stock-db on cluster prod names no current primary; CloudNativePG Cluster shop/stock-db on cluster prod is not healthy: phase "Failing over"',
    );
  });

  it('warns during a routine operation of the operator', () => {
    expect(
      judgeOperatorClusters(
        {
          clusters: [
            {
              ...HEALTHY,
              condition: 'routine-operation',
              state: 'phase "Switchover in progress"',
            },
          ],
        },
        TWO,
      ),
    ).toMatchObject({ status: 'warn' });
  });
});
