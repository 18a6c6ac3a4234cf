import { readLogService } from './logService';

describe('readLogService', () => {
  const entity = (annotations?: Record<string, string>) => ({
    metadata: { name: 'orders-api', annotations },
  });

  it('prefers the log-service annotation', () => {
    expect(
      readLogService(
        entity({
          'production-readiness.io/log-service': 'orders',
          'backstage.io/kubernetes-id': 'orders-k8s',
        }),
      ),
    ).toEqual({
      value: 'orders',
      source: 'production-readiness.io/log-service',
    });
  });

  it('falls back to the kubernetes-id, then the entity name', () => {
    expect(
      readLogService(entity({ 'backstage.io/kubernetes-id': 'orders-k8s' })),
    ).toEqual({ value: 'orders-k8s', source: 'backstage.io/kubernetes-id' });
    expect(readLogService(entity())).toEqual({
      value: 'orders-api',
      source: 'metadata.name',
    });
  });

  it('returns an empty declared value as it is, for the reader to refuse', () => {
    expect(
      readLogService(entity({ 'production-readiness.io/log-service': '' })),
    ).toEqual({ value: '', source: 'production-readiness.io/log-service' });
  });
});
