import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { describeError } from '@production-readiness/plugin-production-readiness-node';
import { DeploymentEnvironment, EnvironmentsFacts } from '../pipeline/facts';
import { gitHubRepositoryClient } from './gitHubRepositoryClient';

/** Where a repository's deployment environments come from. */
export interface EnvironmentsReader {
  read(options: {
    url: string;
    signal?: AbortSignal;
  }): Promise<EnvironmentsFacts>;
}

/**
 * A repository's deployment environments and their required reviewers, from
 * `GET /repos/{owner}/{repo}/environments` (one call per repository, ETag-conditional: an
 * unchanged list costs a 304). GitHub asks for "Actions: read" (fine-grained token, GitHub App)
 * or `repo` (classic token) on a private repository.
 */
export class GitHubEnvironments implements EnvironmentsReader {
  private readonly cache = new Map<
    string,
    { etag: string; environments: DeploymentEnvironment[] }
  >();

  constructor(
    private readonly integrations: ScmIntegrationRegistry,
    private readonly credentials: GithubCredentialsProvider,
  ) {}

  async read(options: {
    url: string;
    signal?: AbortSignal;
  }): Promise<EnvironmentsFacts> {
    const client = await gitHubRepositoryClient(
      this.integrations,
      this.credentials,
      options.url,
      options.signal,
    );
    if (!client.ok) return { state: 'unavailable', reason: client.reason };
    const { octokit, host, owner, repo } = client;
    const key = `${host}/${owner}/${repo}`;
    const cached = this.cache.get(key);
    try {
      const response = await octokit.rest.repos.getAllEnvironments({
        owner,
        repo,
        per_page: 100,
        headers: cached ? { 'if-none-match': cached.etag } : {},
      });
      const environments = (response.data.environments ?? []).map(env => ({
        name: env.name,
        reviewers: (env.protection_rules ?? []).flatMap(rule =>
          'reviewers' in rule && Array.isArray(rule.reviewers)
            ? rule.reviewers.map(r => {
                const who = r.reviewer as { login?: string; slug?: string };
                return who?.login ?? who?.slug ?? String(r.type);
              })
            : [],
        ),
      }));
      if (response.headers.etag) {
        this.cache.set(key, { etag: response.headers.etag, environments });
      }
      return { state: 'read', environments };
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (status === 304 && cached) {
        return { state: 'read', environments: cached.environments };
      }
      return {
        state: 'unavailable',
        reason: `Listing the deployment environments of ${owner}/${repo} failed: ${describeError(
          e,
        )}`,
      };
    }
  }
}
