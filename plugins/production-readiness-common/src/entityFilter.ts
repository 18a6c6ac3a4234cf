import { Entity } from '@backstage/catalog-model';
import { EntityFilter } from './model';

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
