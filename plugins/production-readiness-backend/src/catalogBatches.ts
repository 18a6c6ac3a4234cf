import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Most refs sent in one `getEntitiesByRefs` request. */
const REFS_PER_REQUEST = 500;

/**
 * The entities of `refs` that the catalog has, by the ref as given, read with one
 * `getEntitiesByRefs` request per 500 refs and only `fields`.
 */
export async function getEntitiesInBatches(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  refs: string[];
  fields: string[];
  signal?: AbortSignal;
}): Promise<Map<string, Entity>> {
  const { catalog, credentials, refs, fields, signal } = options;
  const found = new Map<string, Entity>();
  for (let start = 0; start < refs.length; start += REFS_PER_REQUEST) {
    signal?.throwIfAborted();
    const entityRefs = refs.slice(start, start + REFS_PER_REQUEST);
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs, fields },
      { credentials },
    );
    entityRefs.forEach((ref, index) => {
      const item = items[index];
      if (item) found.set(ref, item);
    });
  }
  return found;
}
