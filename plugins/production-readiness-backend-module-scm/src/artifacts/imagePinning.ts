/**
 * Whether an image reference names one artefact for good: what a deploy sets and a workload
 * runs is then what was built, tested and scanned.
 *
 * References are read as Docker's distribution/reference normalises familiar names (no
 * registry: `docker.io`; a first component is a registry when it has a `.` or `:` or is
 * `localhost`; official images under `library/`). They are parsed here rather than with a
 * reference library because deploy steps write them with CI expressions in them
 * (`ghcr.io/acme/api:${{ github.sha }}`, `$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA`), which no
 * reference grammar accepts and which are judged for what they expand to.
 */

/** How a reference pins its artefact. */
export type Pinning =
  | { pinned: true; by: 'digest' | 'version' | 'commit' | 'build' }
  | { pinned: false; reason: string }
  | { pinned: 'unverifiable'; reason: string };

export interface ImageReference {
  /** Registry host; undefined when written as a variable. */
  registry?: string;
  /** Repository path in the registry, e.g. `acme/orders-api`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** CI expressions that expand to the commit built: unique per commit, never moved. */
const COMMIT_EXPRESSION =
  /^(\$\{\{ ?github\.(sha|event\.after) ?\}\}|\$\{?(GITHUB_SHA|CI_COMMIT_SHA|CI_COMMIT_SHORT_SHA)\}?)$/;
/** Expressions unique per pipeline run. */
const BUILD_EXPRESSION =
  /^(\$\{\{ ?github\.run_(number|id) ?\}\}|\$\{?(GITHUB_RUN_NUMBER|GITHUB_RUN_ID|CI_PIPELINE_IID|CI_PIPELINE_ID|CI_JOB_ID)\}?)$/;
/** Expressions that are the release tag being built (tag pipelines). */
const VERSION_EXPRESSION = /^\$\{?CI_COMMIT_TAG\}?$/;
/** Expressions that are a branch name: the tag moves with every push. */
const BRANCH_EXPRESSION =
  /^(\$\{\{ ?github\.(ref_name|head_ref|base_ref) ?\}\}|\$\{?(GITHUB_REF_NAME|GITHUB_HEAD_REF|CI_COMMIT_REF_NAME|CI_COMMIT_REF_SLUG|CI_COMMIT_BRANCH|CI_DEFAULT_BRANCH)\}?)$/;
/** One CI expression or variable, in a tag. */
const EXPRESSION = /\$\{\{[^}]*\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g;
/** A full version: `1.4.2`, `v1.4.2`, `1.4.2-alpine`, `1.4.2+build.5`. */
const VERSION = /^v?\d+\.\d+\.\d+([-+.][0-9A-Za-z.+-]*)?$/;
/** A commit hash, alone or as a suffix/prefix part (`sha-3f2a9c1`, `main-3f2a9c1`). */
const COMMIT = /(^|[-_.])(sha-)?[0-9a-f]{7,40}($|[-_.])/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const nameAndTag = at === -1 ? reference : reference.slice(0, at);
  const digest = at === -1 ? undefined : reference.slice(at + 1);
  // Expressions may hold `.`, `:` or `/`; hide them while splitting.
  const hidden: string[] = [];
  const masked = nameAndTag.replace(EXPRESSION, e => {
    hidden.push(e);
    return `\uE000${hidden.length - 1}\uE000`;
  });
  const unmask = (s: string) =>
    s.replace(/\uE000(\d+)\uE000/g, (_, i) => hidden[Number(i)]);
  const slash = masked.lastIndexOf('/');
  const colon = masked.lastIndexOf(':');
  const name = colon > slash ? masked.slice(0, colon) : masked;
  const tag = colon > slash ? unmask(masked.slice(colon + 1)) : undefined;
  const [first, ...rest] = name.split('/');
  if (first.includes('\uE000')) {
    // `$CI_REGISTRY_IMAGE`, `${{ env.REGISTRY }}/api`: the registry is a setting.
    return { repository: unmask(name), tag, digest };
  }
  const hasRegistry =
    rest.length > 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  const path = hasRegistry ? rest.join('/') : name;
  return {
    registry: registry === 'index.docker.io' ? 'docker.io' : registry,
    repository: unmask(
      registry === 'docker.io' && !path.includes('/')
        ? `library/${path}`
        : path,
    ),
    tag,
    digest,
  };
}

/** How a tag (or the digest) pins the artefact. */
export function pinningOf(reference: ImageReference): Pinning {
  if (reference.digest !== undefined) {
    return DIGEST.test(reference.digest)
      ? { pinned: true, by: 'digest' }
      : {
          pinned: 'unverifiable',
          reason: `digest "${reference.digest}" is not a sha256 digest written out`,
        };
  }
  const tag = reference.tag;
  if (tag === undefined) return { pinned: false, reason: 'no tag (latest)' };
  if (tag === 'latest') return { pinned: false, reason: 'tag latest' };
  const expressions = tag.match(EXPRESSION) ?? [];
  if (expressions.some(e => COMMIT_EXPRESSION.test(e))) {
    return { pinned: true, by: 'commit' };
  }
  if (expressions.some(e => BUILD_EXPRESSION.test(e))) {
    return { pinned: true, by: 'build' };
  }
  if (expressions.some(e => VERSION_EXPRESSION.test(e))) {
    return { pinned: true, by: 'version' };
  }
  const branch = expressions.find(e => BRANCH_EXPRESSION.test(e));
  if (branch) {
    return {
      pinned: false,
      reason: `tag ${tag} is a branch name (${branch}), which moves with every push`,
    };
  }
  if (expressions.length) {
    return {
      pinned: 'unverifiable',
      reason: `tag ${tag} is set by ${expressions.join(
        ', ',
      )}, whose value the file does not show`,
    };
  }
  if (VERSION.test(tag)) return { pinned: true, by: 'version' };
  if (COMMIT.test(tag)) return { pinned: true, by: 'commit' };
  return {
    pinned: false,
    reason: `tag ${tag} is not a full version (x.y.z), a commit or a digest and can be moved`,
  };
}

/**
 * Whether the image comes from an allowed registry: `allowed` entries are registries
 * (`ghcr.io`) or registry paths (`ghcr.io/acme`), matched at path boundaries.
 */
export function registryAllowed(
  reference: ImageReference,
  allowed: string[],
): boolean | 'unverifiable' {
  if (!reference.registry) return 'unverifiable';
  const full = `${reference.registry}/${reference.repository}`.toLowerCase();
  return allowed.some(entry => {
    const prefix = entry.toLowerCase().replace(/\/+$/, '');
    return full === prefix || full.startsWith(`${prefix}/`);
  });
}
