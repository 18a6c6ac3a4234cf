import { UrlReaderService } from '@backstage/backend-plugin-api';
import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import {
  CollectedFacts,
  CollectorContext,
  describeError,
  EvidenceClaim,
  FactCollector,
} from '@production-readiness/plugin-production-readiness-node';
import pLimit from 'p-limit';
import { SCM_COLLECTOR_ID, ScmFacts } from '../pipeline/facts';
import { parseGitHubWorkflow, parseGitLabCi } from '../pipeline/parsePipeline';
import { WorkflowRunsReader } from './GitHubActionsRuns';
import { EnvironmentsReader } from './GitHubEnvironments';
import { repositoryClaim } from './repositoryClaim';

export const SOURCE_LOCATION = 'backstage.io/source-location';

const isCiFile = (path: string) =>
  /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || path === '.gitlab-ci.yml';

/** The repository URL of `backstage.io/source-location` (`url:` locations only). */
export function sourceLocationOf(
  entity: Entity,
): { ok: true; url: string } | { ok: false; error: string } | undefined {
  const value = entity.metadata.annotations?.[SOURCE_LOCATION]?.trim();
  if (!value) return undefined;
  const shown = value.slice(0, 120);
  let location: { type: string; target: string };
  try {
    location = parseLocationRef(value);
  } catch {
    // `url:` with nothing usable after it is still meant as a URL.
    location = { type: value.startsWith('url:') ? 'url' : '', target: '' };
  }
  if (location.type !== 'url') {
    return {
      ok: false,
      error: `${SOURCE_LOCATION} "${shown}" is not a url: location; only repositories read through an integration can be judged`,
    };
  }
  try {
    return { ok: true, url: new URL(location.target).toString() };
  } catch {
    return {
      ok: false,
      error: `${SOURCE_LOCATION} "${shown}" is not a URL`,
    };
  }
}

/** What a reader answers, or `unavailable` with why it threw: the rest of the facts stand. */
async function orUnavailable<T>(
  what: string,
  read: () => Promise<T>,
): Promise<T | { state: 'unavailable'; reason: string }> {
  try {
    return await read();
  } catch (e) {
    return {
      state: 'unavailable',
      reason: `${what} failed: ${describeError(e)}`,
    };
  }
}

/** The branch a location URL points into (`…/tree/<branch>/`, GitLab `…/-/tree/<branch>`). */
function branchOf(url: string): string | undefined {
  return /\/(?:tree|blob)\/([^/?#]+)/.exec(new URL(url).pathname)?.[1];
}

/**
 * Reads the CI definitions of each entity's repository through Backstage's UrlReader (the
 * integrations' credentials), one tree read per repository and refresh, filtered to
 * `.github/workflows/*.y(a)ml` and `.gitlab-ci.yml`. The read carries the previous ETag
 * (the commit), so an unchanged repository costs one call and is not downloaded again.
 */
export class ScmCollector implements FactCollector<ScmFacts> {
  readonly id = SCM_COLLECTOR_ID;
  readonly title = 'Repository';
  private readonly cache = new Map<string, { etag: string; facts: ScmFacts }>();

  constructor(
    private readonly reader: UrlReaderService,
    private readonly options: {
      concurrency: number;
      /** Reads the latest run of each workflow; without it, facts carry no `runs`. */
      runs?: WorkflowRunsReader;
      /** Reads the deployment environments; without it, facts carry no `environments`. */
      environments?: EnvironmentsReader;
      /**
       * Resolves a source location to its repository's root, where CI definitions live (a
       * monorepo service's folder has none); without it, the location is read as given.
       */
      integrations?: ScmIntegrationRegistry;
    } = { concurrency: 4 },
  ) {}

  appliesTo(entity: Entity): boolean {
    return sourceLocationOf(entity) !== undefined;
  }

  missingDeclaration() {
    return {
      summary: `No repository: the entity declares no ${SOURCE_LOCATION}, so its pipeline cannot be read`,
      remediation: `Register the entity from its repository (the catalog sets ${SOURCE_LOCATION}), or add \`${SOURCE_LOCATION}: url:https://github.com/<org>/<repo>/tree/<default branch>/\`.`,
    };
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<ScmFacts>> {
    const facts = new Map<string, ScmFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    const byLocation = new Map<string, string[]>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const location = sourceLocationOf(entity);
      if (!location) continue;
      if (!location.ok) {
        errors.set(ref, location.error);
        continue;
      }
      claims.set(ref, [repositoryClaim(entity, location.url)]);
      // CI definitions live at the repository's root, whatever folder the entity names.
      const root =
        this.options.integrations?.resolveUrl({
          url: '/',
          base: location.url,
        }) ?? location.url;
      byLocation.set(root, [...(byLocation.get(root) ?? []), ref]);
    }
    const limit = pLimit(this.options.concurrency);
    await Promise.all(
      [...byLocation].map(([url, refs]) =>
        limit(async () => {
          try {
            const read = await this.withEnvironments(
              await this.withRuns(
                await this.read(url, context.signal),
                context.signal,
              ),
              context.signal,
            );
            refs.forEach(ref => facts.set(ref, read));
          } catch (e) {
            const reason = `Reading the CI definitions of ${url} failed: ${describeError(
              e,
            )}`;
            context.logger.warn(reason);
            refs.forEach(ref => errors.set(ref, reason));
          }
        }),
      ),
    );
    return { facts, errors, claims };
  }

  /** Adds the deployment environments, when a GitHub Actions job deploys to one. */
  private async withEnvironments(
    read: ScmFacts,
    signal: AbortSignal,
  ): Promise<ScmFacts> {
    const { environments } = this.options;
    const deploysToEnvironment = read.pipelines.some(
      p => p.provider === 'github-actions' && p.jobs.some(j => j.environment),
    );
    if (!environments || !deploysToEnvironment) return read;
    return {
      ...read,
      environments: await orUnavailable(
        `Reading the deployment environments of ${read.sourceLocation}`,
        () => environments.read({ url: read.sourceLocation, signal }),
      ),
    };
  }

  /** Adds the latest run of each GitHub Actions workflow that runs on the default branch. */
  private async withRuns(
    read: ScmFacts,
    signal: AbortSignal,
  ): Promise<ScmFacts> {
    const { runs } = this.options;
    if (!runs) return read;
    const workflowFiles = read.pipelines
      .filter(
        p =>
          p.provider === 'github-actions' && !p.error && p.runsOnDefaultBranch,
      )
      .map(p => p.file);
    return {
      ...read,
      runs: await orUnavailable(
        `Reading the workflow runs of ${read.sourceLocation}`,
        () =>
          runs.read({
            url: read.sourceLocation,
            workflowFiles,
            branch: read.defaultBranch,
            signal,
          }),
      ),
    };
  }

  private async read(url: string, signal: AbortSignal): Promise<ScmFacts> {
    const cached = this.cache.get(url);
    const defaultBranch = branchOf(url) ?? 'main';
    try {
      const tree = await this.reader.readTree(url, {
        etag: cached?.etag,
        filter: path => isCiFile(path),
        signal,
      });
      const files = await tree.files();
      const pipelines = await Promise.all(
        files
          .filter(f => isCiFile(f.path))
          .sort((a, b) => a.path.localeCompare(b.path))
          .map(async f => {
            const text = (await f.content()).toString('utf8');
            return f.path === '.gitlab-ci.yml'
              ? parseGitLabCi(f.path, text)
              : parseGitHubWorkflow(f.path, text, defaultBranch);
          }),
      );
      const read: ScmFacts = {
        sourceLocation: url,
        defaultBranch,
        pipelines,
        commit: tree.etag || undefined,
      };
      this.cache.set(url, { etag: tree.etag, facts: read });
      return read;
    } catch (e) {
      if (cached && isError(e) && e.name === 'NotModifiedError') {
        return cached.facts;
      }
      throw e;
    }
  }
}
