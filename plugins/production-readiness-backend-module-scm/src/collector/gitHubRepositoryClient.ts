import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { Octokit } from '@octokit/rest';
import { repositoryOf } from './repositoryUrl';

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
  const repository = repositoryOf(url);
  if (!repository) {
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
    owner: repository.owner,
    repo: repository.repo,
  };
}

/**
 * GitHub's conditional requests: the last answer per key with its ETag. A request carries
 * `If-None-Match`; a `304 Not Modified` (not counted against the rate limit) answers with the
 * value kept.
 */
export class ConditionalReads<T> {
  private readonly answers = new Map<string, { etag: string; value: T }>();

  async read<D>(
    key: string,
    request: (
      headers: Record<string, string>,
    ) => Promise<{ data: D; headers: { etag?: string } }>,
    toValue: (data: D) => T,
  ): Promise<T> {
    const kept = this.answers.get(key);
    try {
      const response = await request(
        kept ? { 'if-none-match': kept.etag } : {},
      );
      const value = toValue(response.data);
      if (response.headers.etag) {
        this.answers.set(key, { etag: response.headers.etag, value });
      }
      return value;
    } catch (e) {
      if (kept && (e as { status?: number }).status === 304) return kept.value;
      throw e;
    }
  }
}
