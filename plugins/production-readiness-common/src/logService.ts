import { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from './annotations';

/** The value of the log store's service field in an entity's lines, and where it comes from. @public */
export interface LogService {
  value: string;
  /** The annotation it was read from, or `metadata.name`. */
  source: string;
}

/**
 * Which service value an entity's log lines carry: `production-readiness.io/log-service`, else
 * the kubernetes-id (what a shipper on the cluster knows the workload by), else the entity name.
 * The value is returned as declared: whether a store can match it is the reader's to judge.
 *
 * @public
 */
export function readLogService(entity: Pick<Entity, 'metadata'>): LogService {
  const annotations = entity.metadata.annotations ?? {};
  for (const key of [ANNOTATIONS.logService, ANNOTATIONS.kubernetesId]) {
    const value = annotations[key];
    if (value !== undefined) return { value, source: key };
  }
  return { value: entity.metadata.name, source: 'metadata.name' };
}
