import { AuthService } from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { FactCollector } from '@production-readiness/plugin-production-readiness-node';
import { getEntitiesInBatches } from '../catalogBatches';

/** Id of the collector that resolves owners, systems and dependencies in the catalog. */
export const CATALOG_COLLECTOR_ID = 'catalog';

/** Fields of referenced entities the checks read; nothing else is fetched. */
const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.type',
];

/** A `dependsOn` target of an entity, as found (or not) in the catalog. */
export interface CatalogDependencyFact {
  /** Full entity ref, e.g. `resource:default/orders-db`. */
  ref: string;
  found: boolean;
  /** Kind of the catalog entity; set when found. */
  kind?: string;
  /** `spec.type` of the catalog entity; set when found and declared. */
  type?: string;
  /** Annotations of the catalog entity; empty when not found. */
  annotations: Record<string, string>;
}

/** What the catalog says about the entities one entity refers to. */
export interface CatalogFacts {
  /** `spec.owner`, resolved; undefined when the entity declares no owner. */
  owner?: { ref: string; kind?: string; found: boolean };
  /** `spec.system`, resolved; undefined when the entity declares no system. */
  system?: { ref: string; found: boolean };
  /** `dependsOn` relations (or `spec.dependsOn` when there are none), resolved. */
  dependencies: CatalogDependencyFact[];
}

/** The refs one entity declares, normalized (or as written, when they do not parse). */
interface DeclaredRefs {
  owner?: string;
  system?: string;
  dependencies: string[];
  /** Refs that do not parse: never sent to the catalog, reported as not found. */
  malformed: Set<string>;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : undefined;
}

function declaredRefs(entity: Entity): DeclaredRefs {
  const defaultNamespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const malformed = new Set<string>();
  /** Full ref of `value`; a ref that does not parse is kept as written. */
  const ref = (value: unknown, defaultKind: string) => {
    const text = nonEmptyString(value);
    if (text === undefined) {
      return undefined;
    }
    try {
      return stringifyEntityRef(
        parseEntityRef(text, { defaultKind, defaultNamespace }),
      );
    } catch {
      malformed.add(text);
      return text;
    }
  };
  const relations = (entity.relations ?? []).filter(
    r => r.type === RELATION_DEPENDS_ON,
  );
  const rawDependencies: unknown[] = relations.length
    ? relations.map(r => r.targetRef)
    : [spec.dependsOn ?? []].flat();
  const dependencies = rawDependencies
    .map(d => ref(d, 'Component'))
    .filter((d): d is string => d !== undefined);
  return {
    owner: ref(spec.owner, 'Group'),
    system: ref(spec.system, 'System'),
    dependencies: [...new Set(dependencies)],
    malformed,
  };
}

/**
 * Collector `catalog`: resolves the owner, system and `dependsOn` refs of all given entities
 * with one batched `getEntitiesByRefs` request per 500 distinct refs. A failing catalog request
 * throws, so the checks reading this collector report `error`.
 */
export function createCatalogCollector(options: {
  catalog: CatalogService;
  auth: AuthService;
}): FactCollector<CatalogFacts> {
  const { catalog, auth } = options;

  const fetchEntities = async (refs: string[], signal: AbortSignal) =>
    refs.length === 0
      ? new Map<string, Entity>()
      : getEntitiesInBatches({
          catalog,
          credentials: await auth.getOwnServiceCredentials(),
          refs,
          fields: FIELDS,
          signal,
        });

  return {
    id: CATALOG_COLLECTOR_ID,
    title: 'Catalog',
    async collect(entities, { signal }) {
      const declared = new Map<string, DeclaredRefs>();
      for (const entity of entities) {
        declared.set(stringifyEntityRef(entity), declaredRefs(entity));
      }
      const allRefs = new Set<string>();
      for (const refs of declared.values()) {
        for (const ref of [refs.owner, refs.system, ...refs.dependencies]) {
          if (ref !== undefined && !refs.malformed.has(ref)) {
            allRefs.add(ref);
          }
        }
      }
      const found = await fetchEntities([...allRefs], signal);

      const facts = new Map<string, CatalogFacts>();
      for (const [entityRef, refs] of declared) {
        const owner =
          refs.owner === undefined ? undefined : found.get(refs.owner);
        facts.set(entityRef, {
          owner:
            refs.owner === undefined
              ? undefined
              : {
                  ref: refs.owner,
                  kind: owner?.kind,
                  found: owner !== undefined,
                },
          system:
            refs.system === undefined
              ? undefined
              : { ref: refs.system, found: found.has(refs.system) },
          dependencies: refs.dependencies.map(ref => {
            const target = found.get(ref);
            const type = (target?.spec as { type?: unknown } | undefined)?.type;
            return {
              ref,
              found: target !== undefined,
              kind: target?.kind,
              type: typeof type === 'string' ? type : undefined,
              annotations: target?.metadata.annotations ?? {},
            };
          }),
        });
      }
      return { facts };
    },
  };
}
