import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { Octokit } from '@octokit/rest';

/** An API client for the repository a URL points into, or why there is none. */
export type GitHubRepositoryClient =
  | { ok: true; octokit: Octokit; host: string; owner: string; repo: string }
  | { ok: false; reason: string };

/**
 * An Octokit for the repository of `url`, on its GitHub integration's API with that
 * integration's credentials (a token, or a GitHub App installation token for the repository).
 */
export async function gitHubRepositoryClient(
  integrations: ScmIntegrationRegistry,
  credentials: GithubCredentialsProvider,
  url: string,
  signal?: AbortSignal,
): Promise<GitHubRepositoryClient> {
  const integration = integrations.github.byUrl(url);
  if (!integration) {
    return {
      ok: false,
      reason: `${
        new URL(url).host
      } is not a GitHub integration: run results and environments are read from GitHub only (integrations.github in app-config)`,
    };
  }
  const [owner, repo] = new URL(url).pathname.split('/').filter(Boolean);
  if (!owner || !repo) {
    return {
      ok: false,
      reason: `${url} names no GitHub repository (https://<host>/<owner>/<repo>/…)`,
    };
  }
  const { token } = await credentials.getCredentials({ url });
  return {
    ok: true,
    octokit: new Octokit({
      baseUrl: integration.config.apiBaseUrl,
      auth: token,
      request: { signal },
    }),
    host: integration.config.host,
    owner,
    repo: repo.replace(/\.git$/, ''),
  };
}
