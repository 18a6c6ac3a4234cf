import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { describeError } from '@production-readiness/plugin-production-readiness-node';
import { DeploymentEnvironment, EnvironmentsFacts } from '../pipeline/facts';
import {
  ConditionalReads,
  gitHubRepositoryClient,
} from './gitHubRepositoryClient';

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
  private readonly answers = new ConditionalReads<DeploymentEnvironment[]>();

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
    try {
      const environments = await this.answers.read(
        `${host}/${owner}/${repo}`,
        headers =>
          octokit.rest.repos.getAllEnvironments({
            owner,
            repo,
            per_page: 100,
            headers,
          }),
        data =>
          (data.environments ?? []).map(env => ({
            name: env.name,
            reviewers: (env.protection_rules ?? []).flatMap(rule =>
              'reviewers' in rule && Array.isArray(rule.reviewers)
                ? rule.reviewers.map(r => {
                    const who = r.reviewer as { login?: string; slug?: string };
                    return who?.login ?? who?.slug ?? String(r.type);
                  })
                : [],
            ),
          })),
      );
      return { state: 'read', environments };
    } catch (e) {
      return {
        state: 'unavailable',
        reason: `Listing the deployment environments of ${owner}/${repo} failed: ${describeError(
          e,
        )}`,
      };
    }
  }
}
