import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { EvidenceClaim } from '@production-readiness/plugin-production-readiness-node';
import { repositoryOf } from './repositoryUrl';

/** `host/owner/repo`, lower-cased: the repository a URL points into. */
function repositoryKey(url: string): string | undefined {
  const repository = repositoryOf(url);
  return (
    repository &&
    `${repository.host}/${repository.owner}/${repository.repo}`.toLowerCase()
  );
}

/** Whether the catalog read the entity from a file of that repository. */
function registeredFrom(entity: Entity, repository: string): boolean {
  const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  if (!location) return false;
  try {
    const { type, target } = parseLocationRef(location);
    return type === 'url' && repositoryKey(target) === repository;
  } catch {
    return false;
  }
}

/**
 * The entity's claim on the repository folder its source location names. An entity the
 * catalog read from that repository (its `managed-by-location` lies in it) holds it, as do
 * the other entities of that repository (a monorepo's services, a service and its worker). An
 * entity that only points at a repository it was not registered from holds its pipeline only
 * while no other entity claims it: one pointing at another service's repository borrows
 * nothing.
 */
export function repositoryClaim(entity: Entity, url: string): EvidenceClaim {
  const repository = repositoryKey(url);
  const folder = url.toLowerCase().replace(/\/+$/, '');
  return {
    kind: 'repository',
    id: folder,
    how: `${ANNOTATION_SOURCE_LOCATION}=url:${url}`,
    ...(repository && registeredFrom(entity, repository)
      ? { namedEntity: stringifyEntityRef(entity) }
      : {}),
    settle: `Register the entity from its own repository (a catalog-info.yaml there; the catalog then sets ${ANNOTATION_SOURCE_LOCATION}), or point ${ANNOTATION_SOURCE_LOCATION} at the repository that builds it.`,
  };
}
