import { EVIDENCE_OWNER } from '@production-readiness/plugin-production-readiness-common';
import { ObjectRef } from './facts';

/** The metadata of a listed object that facts are built from. */
export interface KubeObjectMeta {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: { [k: string]: string };
    annotations?: { [k: string]: string };
  };
}

/** A timestamp as ISO text; undefined when absent or invalid. */
export const iso = (value: Date | string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

/** Milliseconds of an ISO timestamp for sorting; 0 when absent. */
export const time = (value: string | undefined) =>
  value ? Date.parse(value) || 0 : 0;

export const name = (o: KubeObjectMeta) => o.metadata?.name ?? '';
export const ns = (o: KubeObjectMeta) => o.metadata?.namespace ?? '';

/** Where an object is, and the entity it names as its own. */
export function objectRef(cluster: string, o: KubeObjectMeta): ObjectRef {
  return {
    cluster,
    namespace: ns(o),
    name: name(o),
    namedEntity:
      o.metadata?.annotations?.[EVIDENCE_OWNER.kubernetesAnnotation]?.trim() ||
      undefined,
  };
}
