import { SOURCE_LOCATION } from '../collector/ScmCollector';

/** Components that are not built into something deployed. */
const NOT_DEPLOYED = ['library', 'documentation'];

/**
 * Where the repository checks apply: Components with a source location (the catalog sets it
 * for every entity registered from a repository, Resources and Systems too, which are not
 * built by a pipeline), and, when coverage requires the delivery pillar, every deployed
 * Component (one without a source location fails with what to declare).
 */
export const REPOSITORY_CHECK_SCOPE = {
  appliesTo: {
    kind: ['Component'],
    notType: NOT_DEPLOYED,
    hasAnnotations: [SOURCE_LOCATION],
  },
  requiredOf: { kind: ['Component'], notType: NOT_DEPLOYED },
};
