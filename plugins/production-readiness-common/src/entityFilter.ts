import { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from './annotations';
import { EntityFilter } from './model';

/** The runtime of an entity that declares none. @public */
export const DEFAULT_RUNTIME = 'kubernetes';

/**
 * The runtime an entity declares in `production-readiness.io/runtime` (lower case), or
 * `kubernetes` when it declares none: the suite assumes the orchestrator unless told otherwise,
 * so a service that forgot to say where it runs is judged on Kubernetes evidence.
 *
 * @public
 */
export function entityRuntime(entity: Entity): string {
  const declared = entity.metadata.annotations?.[ANNOTATIONS.runtime]?.trim();
  return declared ? declared.toLocaleLowerCase('en-US') : DEFAULT_RUNTIME;
}

const lower = (values: string[] | undefined) =>
  values?.map(v => v.toLocaleLowerCase('en-US'));

/** Whether an entity matches a check's `appliesTo` filter (no filter matches everything). @public */
export function matchesEntityFilter(
  entity: Entity,
  filter: EntityFilter | undefined,
): boolean {
  if (!filter) {
    return true;
  }
  const spec = (entity.spec ?? {}) as { type?: unknown; lifecycle?: unknown };
  const field = (value: unknown) =>
    typeof value === 'string' ? value.toLocaleLowerCase('en-US') : undefined;
  const kinds = lower(filter.kind);
  if (kinds && !kinds.includes(entity.kind.toLocaleLowerCase('en-US'))) {
    return false;
  }
  const types = lower(filter.type);
  if (types && !types.includes(field(spec.type) ?? '')) {
    return false;
  }
  const excludedTypes = lower(filter.notType);
  if (excludedTypes?.includes(field(spec.type) ?? '')) {
    return false;
  }
  const runtimes = lower(filter.runtime);
  if (runtimes && !runtimes.includes(entityRuntime(entity))) {
    return false;
  }
  const lifecycles = lower(filter.lifecycle);
  if (lifecycles && !lifecycles.includes(field(spec.lifecycle) ?? '')) {
    return false;
  }
  const annotations = entity.metadata.annotations ?? {};
  if (!(filter.hasAnnotations ?? []).every(a => a in annotations)) {
    return false;
  }
  return (
    !filter.anyOf || filter.anyOf.some(f => matchesEntityFilter(entity, f))
  );
}
