import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GitCommit,
  GitRepository,
  RepositoryFile,
  TreeChange,
  UnprocessableError,
} from './GitRepository';
import {
  DOCS,
  HttpError,
  json,
  NoRouteError,
  pageOf,
  conditionalReply,
  Reply,
  Route,
} from './standInHttp';
import { createEnvironments, EnvironmentSpec } from './environments';
import {
  createWorkflowRuns,
  StandInRepositories,
  WorkflowRunSpec,
} from './workflowRuns';

/** A repository the stand-in serves, created as a real bare git repository. */
export interface GitHubStandInRepository {
  owner: string;
  name: string;
  /** Default: `main`. */
  defaultBranch?: string;
  description?: string;
  /** Files of the first commit of the default branch. */
  files: Record<string, RepositoryFile>;
  /** What the token may do on this repository; default: push (and pull, triage). */
  permissions?: Partial<RepositoryPermissions>;
}

/** The `permissions` object of GitHub's repository response. */
export interface RepositoryPermissions {
  admin: boolean;
  maintain: boolean;
  push: boolean;
  triage: boolean;
  pull: boolean;
}

/** A pull request opened on the stand-in. */
export interface RecordedPullRequest {
  owner: string;
  repo: string;
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  draft: boolean;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  htmlUrl: string;
  createdAt: string;
}

/** A request the stand-in has no route for (answered 404) or failed on (answered 500). */
export interface UnhandledRequest {
  method: string;
  path: string;
  reason: string;
}

/** A local stand-in for the GitHub (Enterprise Server) REST and GraphQL API. */
export interface GitHubApiStandIn {
  /** `http://127.0.0.1:<port>`: the "web" address (pull request and commit links). */
  baseUrl: string;
  /** `127.0.0.1:<port>`: the host of a GitHub integration in app-config. */
  host: string;
  /** `http://127.0.0.1:<port>/api/v3` */
  apiBaseUrl: string;
  /** The only token the stand-in accepts. */
  token: string;
  /** An entry for `integrations.github` pointing at this stand-in. */
  integrationConfig: { host: string; apiBaseUrl: string; token: string };
  /** Login of the user the token belongs to (default author of commits). */
  userLogin: string;
  /** Every request received, in order (the last 5,000). */
  requests: Array<{ method: string; path: string; status: number }>;
  /** Requests without a route or that failed inside the stand-in; should stay empty. */
  unhandledRequests: UnhandledRequest[];
  /** Pull requests created, in order. */
  pullRequests: RecordedPullRequest[];
  /** Creates a repository with one commit on its default branch; returns that commit. */
  addRepository(spec: GitHubStandInRepository): Promise<{ headSha: string }>;
  /** Records a GitHub Actions run of a workflow of `owner/name` (listed by the runs API). */
  addWorkflowRun(
    owner: string,
    name: string,
    run: WorkflowRunSpec,
  ): Promise<{ id: number }>;
  /** Creates or replaces a deployment environment of `owner/name` (with its reviewers). */
  setEnvironment(
    owner: string,
    name: string,
    environment: EnvironmentSpec,
  ): void;
  /** The git repository behind `owner/name`, to read back what clients wrote. */
  gitRepository(owner: string, name: string): GitRepository;
  /** Closes the server and deletes the repositories. */
  stop(): Promise<void>;
}

interface RepoState {
  id: number;
  owner: string;
  name: string;
  description: string | undefined;
  defaultBranch: string;
  permissions: RepositoryPermissions;
  git: GitRepository;
  createdAt: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MAX_REQUESTS_KEPT = 5000;
const CODELOAD_TOKEN_TTL_MS = 5 * 60_000;

const PULL_REQUEST_QUERY = new RegExp(
  [
    '^query \\(\\$owner: String!, \\$repo: String!, \\$head: String!\\) \\{',
    'repository\\(name: \\$repo, owner: \\$owner\\) \\{',
    'ref\\(qualifiedName: \\$head\\) \\{',
    'associatedPullRequests\\(first: 1, states: OPEN\\) \\{',
    'edges \\{ node \\{ id number url \\} \\} \\} \\} \\} \\}$',
  ].join(' '),
);

function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function nodeId(prefix: string, value: string): string {
  return `${prefix}_${Buffer.from(value).toString('base64url')}`;
}

function readBody(
  req: http.IncomingMessage,
  maxBytes: number,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    // Refused before reading; the connection is closed after the answer.
    return Promise.reject(
      new HttpError(413, `Request body larger than ${maxBytes} bytes`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(
          new HttpError(413, `Request body larger than ${maxBytes} bytes`),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Starts a loopback stand-in for the GitHub Enterprise Server API, for end-to-end tests of
 * clients that cannot reach GitHub: Backstage's `GithubUrlReader` (`fetch:plain`,
 * `readTree`) and `publish:github:pull-request` (octokit and
 * octokit-plugin-create-pull-request).
 *
 * Every repository is a real bare git repository in a temporary folder. Tarballs come from
 * `git archive`; blobs, trees, commits and refs that clients post are written with git
 * plumbing (`hash-object`, `update-index`/`write-tree`, `commit-tree`, `update-ref`), so a
 * test reads back exactly what a client pushed with `git ls-tree` / `git show`. Responses
 * have GitHub's shapes and status codes (401 bad credentials, 404 unknown repository, 422
 * validation failures). Routes the stand-in does not implement answer 404, are logged and
 * listed in `unhandledRequests`, so nothing is silently faked.
 */
export async function startGitHubApiStandIn(
  options: {
    repositories?: GitHubStandInRepository[];
    token?: string;
    /** Where loud messages go (unknown routes, internal errors); default console.warn. */
    log?: (message: string) => void;
    /** Largest request body accepted; default 32 MiB. */
    maxBodyBytes?: number;
  } = {},
): Promise<GitHubApiStandIn> {
  const token = options.token ?? `ghp_${randomBytes(18).toString('hex')}`;
  const log =
    options.log ??
    ((message: string) => {
      // eslint-disable-next-line no-console
      console.warn(message);
    });
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const root = mkdtempSync(join(tmpdir(), 'pr-test-github-'));
  const repos = new Map<string, RepoState>();
  const codeloadTokens = new Map<
    string,
    { repo: RepoState; sha: string; expires: number }
  >();
  const userLogin = 'backstage-bot';
  let nextRepoId = 1000;
  let exclusive: Promise<unknown> = Promise.resolve();

  const state: GitHubApiStandIn = {
    baseUrl: '',
    host: '',
    apiBaseUrl: '',
    token,
    integrationConfig: { host: '', apiBaseUrl: '', token },
    userLogin,
    requests: [],
    unhandledRequests: [],
    pullRequests: [],
    addRepository: async () => ({ headSha: '' }),
    addWorkflowRun: async () => ({ id: 0 }),
    setEnvironment: () => {},
    gitRepository: () => {
      throw new Error('not started');
    },
    stop: async () => {},
  };

  const key = (owner: string, name: string) =>
    `${owner.toLowerCase()}/${name.toLowerCase()}`;
  const api = (path: string) => `${state.apiBaseUrl}${path}`;
  const fullName = (repo: RepoState) => `${repo.owner}/${repo.name}`;

  const ownerJson = (login: string) => ({
    login,
    id: 1,
    node_id: nodeId('O', login),
    type: login === userLogin ? 'User' : 'Organization',
    site_admin: false,
    url: api(`/users/${login}`),
    html_url: `${state.baseUrl}/${login}`,
  });

  const repoJson = (repo: RepoState) => {
    const full = fullName(repo);
    return {
      id: repo.id,
      node_id: nodeId('R', full),
      name: repo.name,
      full_name: full,
      private: true,
      visibility: 'private',
      owner: ownerJson(repo.owner),
      html_url: `${state.baseUrl}/${full}`,
      description: repo.description ?? null,
      fork: false,
      url: api(`/repos/${full}`),
      archive_url: api(`/repos/${full}/{archive_format}{/ref}`),
      trees_url: api(`/repos/${full}/git/trees{/sha}`),
      git_refs_url: api(`/repos/${full}/git/refs{/sha}`),
      git_commits_url: api(`/repos/${full}/git/commits{/sha}`),
      commits_url: api(`/repos/${full}/commits{/sha}`),
      statuses_url: api(`/repos/${full}/statuses/{sha}`),
      pulls_url: api(`/repos/${full}/pulls{/number}`),
      clone_url: `${state.baseUrl}/${full}.git`,
      default_branch: repo.defaultBranch,
      archived: false,
      disabled: false,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      pushed_at: repo.createdAt,
      permissions: repo.permissions,
    };
  };

  const commitRefJson = (repo: RepoState, sha: string) => ({
    sha,
    url: api(`/repos/${fullName(repo)}/commits/${sha}`),
    html_url: `${state.baseUrl}/${fullName(repo)}/commit/${sha}`,
  });

  const verification = {
    verified: false,
    reason: 'unsigned',
    signature: null,
    payload: null,
  };

  // GET /repos/{owner}/{repo}/commits items.
  const listedCommitJson = (repo: RepoState, commit: GitCommit) => ({
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    commit: {
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: {
        sha: commit.tree,
        url: api(`/repos/${fullName(repo)}/git/trees/${commit.tree}`),
      },
      url: api(`/repos/${fullName(repo)}/git/commits/${commit.sha}`),
      comment_count: 0,
      verification,
    },
    url: api(`/repos/${fullName(repo)}/commits/${commit.sha}`),
    html_url: `${state.baseUrl}/${fullName(repo)}/commit/${commit.sha}`,
    author: null,
    committer: null,
    parents: commit.parents.map(p => commitRefJson(repo, p)),
  });

  // POST /repos/{owner}/{repo}/git/commits response (the Git database commit).
  const gitCommitJson = (repo: RepoState, commit: GitCommit) => ({
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    url: api(`/repos/${fullName(repo)}/git/commits/${commit.sha}`),
    html_url: `${state.baseUrl}/${fullName(repo)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: {
      sha: commit.tree,
      url: api(`/repos/${fullName(repo)}/git/trees/${commit.tree}`),
    },
    message: commit.message,
    parents: commit.parents.map(p => commitRefJson(repo, p)),
    verification,
  });

  const refJson = (repo: RepoState, ref: string, sha: string) => ({
    ref,
    node_id: nodeId('REF', `${fullName(repo)}:${ref}`),
    url: api(`/repos/${fullName(repo)}/git/${ref}`),
    object: {
      sha,
      type: 'commit',
      url: api(`/repos/${fullName(repo)}/git/commits/${sha}`),
    },
  });

  const pullJson = (repo: RepoState, pr: RecordedPullRequest) => {
    const url = api(`/repos/${fullName(repo)}/pulls/${pr.number}`);
    const branch = (b: { ref: string; sha: string }) => ({
      label: `${repo.owner}:${b.ref}`,
      ref: b.ref,
      sha: b.sha,
      user: ownerJson(repo.owner),
      repo: repoJson(repo),
    });
    return {
      url,
      id: 5000 + pr.number,
      node_id: nodeId('PR', `${fullName(repo)}#${pr.number}`),
      html_url: pr.htmlUrl,
      diff_url: `${pr.htmlUrl}.diff`,
      patch_url: `${pr.htmlUrl}.patch`,
      issue_url: api(`/repos/${fullName(repo)}/issues/${pr.number}`),
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      user: ownerJson(userLogin),
      body: pr.body,
      labels: [],
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      created_at: pr.createdAt,
      updated_at: pr.createdAt,
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      draft: pr.draft,
      head: branch(pr.head),
      base: branch(pr.base),
      merged: false,
      mergeable: null,
      author_association: 'MEMBER',
    };
  };

  const findRepo = (owner: string, name: string): RepoState => {
    const repo = repos.get(key(owner, name));
    if (!repo) {
      throw new HttpError(404, 'Not Found', {
        documentation_url: `${DOCS}/repos/repos#get-a-repository`,
      });
    }
    return repo;
  };

  const validationFailed = (errors: unknown[], message = 'Validation Failed') =>
    new HttpError(422, message, {
      errors,
      documentation_url: `${DOCS}/pulls/pulls#create-a-pull-request`,
    });

  const requireString = (body: any, field: string): string => {
    const value = body?.[field];
    if (typeof value !== 'string' || value === '') {
      throw new HttpError(
        422,
        `Invalid request.\n\n"${field}" wasn't supplied.`,
      );
    }
    return value;
  };

  const signature = (
    value: any,
    field: string,
  ): { name: string; email: string; date?: string } | undefined => {
    if (value === undefined || value === null) return undefined;
    if (
      typeof value?.name !== 'string' ||
      typeof value?.email !== 'string' ||
      (value.date !== undefined && typeof value.date !== 'string')
    ) {
      throw new HttpError(
        422,
        `Invalid request.\n\n"${field}" must have a name and an email.`,
      );
    }
    return { name: value.name, email: value.email, date: value.date };
  };

  const resolveOr404 = async (repo: RepoState, ref: string) => {
    const sha = ref.startsWith('refs/')
      ? await repo.git.resolveRef(ref).catch(() => undefined)
      : await repo.git.resolveCommitish(ref);
    if (!sha) {
      throw new HttpError(404, `No commit found for SHA: ${ref}`, {
        documentation_url: `${DOCS}/commits/commits#get-a-commit`,
      });
    }
    return sha;
  };

  const standInRepositories: StandInRepositories = {
    findRepo: (owner, name) => findRepo(owner, name),
    api,
    webUrl: path => `${state.baseUrl}${path}`,
    now: isoNow,
  };
  const workflowRuns = createWorkflowRuns(standInRepositories);
  const environments = createEnvironments(standInRepositories);

  const routes: Route[] = [
    ...workflowRuns.routes,
    ...environments.routes,
    // Repository: default branch, permissions, URL templates.
    {
      method: 'GET',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)$/,
      handle: async ({ params }) =>
        json(200, repoJson(findRepo(params[0], params[1]))),
    },
    // GithubUrlReader.readTree: the commit a ref points to, with the repository.
    {
      method: 'GET',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/commits\/(.+)\/status$/,
      query: ['per_page', 'page'],
      handle: async ({ params }) => {
        const repo = findRepo(params[0], params[1]);
        const ref = decodeURIComponent(params[2]);
        const sha = await resolveOr404(repo, ref);
        return json(200, {
          state: 'pending',
          statuses: [],
          sha,
          total_count: 0,
          repository: repoJson(repo),
          commit_url: api(`/repos/${fullName(repo)}/commits/${sha}`),
          url: api(`/repos/${fullName(repo)}/commits/${sha}/status`),
        });
      },
    },
    // Archive link: GitHub redirects to codeload with a short-lived token.
    {
      method: 'GET',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/tarball(?:\/(.+))?$/,
      handle: async ({ params }) => {
        const repo = findRepo(params[0], params[1]);
        const sha = await resolveOr404(
          repo,
          params[2] ? decodeURIComponent(params[2]) : repo.defaultBranch,
        );
        for (const [issued, grant] of codeloadTokens) {
          if (grant.expires < Date.now()) codeloadTokens.delete(issued);
        }
        const codeloadToken = randomBytes(16).toString('hex');
        codeloadTokens.set(codeloadToken, {
          repo,
          sha,
          expires: Date.now() + CODELOAD_TOKEN_TTL_MS,
        });
        return {
          status: 302,
          headers: {
            location: `${state.baseUrl}/_codeload/${fullName(
              repo,
            )}/legacy.tar.gz/${sha}?token=${codeloadToken}`,
          },
        };
      },
    },
    {
      method: 'GET',
      pattern:
        /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/([0-9a-f]{40})$/,
      query: ['token'],
      auth: 'none',
      handle: async ({ params, url }) => {
        const grant = codeloadTokens.get(url.searchParams.get('token') ?? '');
        const repo = repos.get(key(params[0], params[1]));
        if (
          !grant ||
          grant.expires < Date.now() ||
          grant.repo !== repo ||
          grant.sha !== params[2]
        ) {
          throw new HttpError(404, 'Not Found');
        }
        const prefix = `${grant.repo.owner}-${
          grant.repo.name
        }-${grant.sha.slice(0, 7)}`;
        return {
          status: 200,
          body: await grant.repo.git.tarball(grant.sha, prefix),
          headers: {
            'content-type': 'application/x-gzip',
            'content-disposition': `attachment; filename=${prefix}.tar.gz`,
          },
        };
      },
    },
    // octokit-plugin-create-pull-request: the latest commit of the base branch.
    {
      method: 'GET',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/commits$/,
      query: ['sha', 'per_page', 'page'],
      handle: async ({ params, url }) => {
        const repo = findRepo(params[0], params[1]);
        const start = await resolveOr404(
          repo,
          url.searchParams.get('sha') ?? repo.defaultBranch,
        );
        const { perPage, page } = pageOf(url);
        const shas = await repo.git.listCommits(start, {
          skip: (page - 1) * perPage,
          max: perPage + 1,
        });
        const commits = await Promise.all(
          shas.slice(0, perPage).map(s => repo.git.readCommit(s)),
        );
        const headers: Record<string, string> = {};
        if (shas.length > perPage) {
          const next = new URL(url.toString(), state.baseUrl);
          next.searchParams.set('page', String(page + 1));
          headers.link = `<${next.toString()}>; rel="next"`;
        }
        return {
          status: 200,
          json: commits.map(c => listedCommitJson(repo, c)),
          headers,
        };
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/git\/blobs$/,
      handle: async ({ params, body }) => {
        const repo = findRepo(params[0], params[1]);
        const content = body?.content;
        const encoding = body?.encoding ?? 'utf-8';
        if (typeof content !== 'string') {
          throw new HttpError(
            422,
            'Invalid request.\n\n"content" wasn\'t supplied.',
          );
        }
        if (!['utf-8', 'utf8', 'base64'].includes(encoding)) {
          throw new HttpError(
            422,
            `encoding must be utf-8 or base64, got ${encoding}`,
          );
        }
        const sha = await repo.git.writeBlob(
          Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'),
        );
        return json(201, {
          sha,
          url: api(`/repos/${fullName(repo)}/git/blobs/${sha}`),
        });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/git\/trees$/,
      handle: async ({ params, body }) => {
        const repo = findRepo(params[0], params[1]);
        if (!Array.isArray(body?.tree)) {
          throw new HttpError(
            422,
            'Invalid request.\n\n"tree" wasn\'t supplied.',
          );
        }
        const changes: TreeChange[] = [];
        for (const entry of body.tree) {
          if (entry?.type !== undefined && entry.type !== 'blob') {
            throw new NoRouteError(
              `tree entries of type ${entry.type} are not implemented by the stand-in`,
            );
          }
          if (typeof entry?.content === 'string') {
            changes.push({
              path: entry.path,
              mode: entry.mode,
              sha: await repo.git.writeBlob(Buffer.from(entry.content, 'utf8')),
            });
          } else if (entry?.sha === null || typeof entry?.sha === 'string') {
            changes.push({
              path: entry.path,
              mode: entry.mode,
              sha: entry.sha,
            });
          } else {
            throw new HttpError(
              422,
              `Invalid tree entry for "${entry?.path}": sha or content is required`,
            );
          }
        }
        const sha = await repo.git.writeTree(
          typeof body.base_tree === 'string' ? body.base_tree : undefined,
          changes,
        );
        const entries = await repo.git.listTree(sha);
        return json(201, {
          sha,
          url: api(`/repos/${fullName(repo)}/git/trees/${sha}`),
          tree: entries.map(e => ({
            ...e,
            url: api(`/repos/${fullName(repo)}/git/${e.type}s/${e.sha}`),
          })),
          truncated: false,
        });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/git\/commits$/,
      handle: async ({ params, body }) => {
        const repo = findRepo(params[0], params[1]);
        const message = requireString(body, 'message');
        const tree = requireString(body, 'tree');
        const parents = body?.parents ?? [];
        if (
          !Array.isArray(parents) ||
          parents.some((p: unknown) => typeof p !== 'string')
        ) {
          throw new HttpError(422, 'parents must be an array of SHAs');
        }
        if (body?.signature !== undefined && body.signature !== null) {
          throw new NoRouteError(
            'signed commits are not implemented by the stand-in',
          );
        }
        const user = {
          name: userLogin,
          email: `${userLogin}@users.noreply.127.0.0.1`,
        };
        const author = signature(body?.author, 'author') ?? user;
        const committer = signature(body?.committer, 'committer') ?? author;
        const sha = await repo.git.writeCommit({
          tree,
          parents,
          message,
          author,
          committer,
        });
        return json(201, gitCommitJson(repo, await repo.git.readCommit(sha)));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/git\/refs$/,
      exclusive: true,
      handle: async ({ params, body }) => {
        const repo = findRepo(params[0], params[1]);
        const ref = requireString(body, 'ref');
        const sha = requireString(body, 'sha');
        await repo.git.checkRefName(ref);
        if ((await repo.git.objectType(sha)) !== 'commit') {
          throw new HttpError(422, 'Object does not exist');
        }
        if (await repo.git.resolveRef(ref)) {
          throw new HttpError(422, 'Reference already exists');
        }
        await repo.git.updateRef(ref, sha, null);
        return json(201, refJson(repo, ref, sha));
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/git\/refs\/(.+)$/,
      exclusive: true,
      handle: async ({ params, body }) => {
        const repo = findRepo(params[0], params[1]);
        const ref = `refs/${decodeURIComponent(params[2])}`;
        const sha = requireString(body, 'sha');
        const current = await repo.git.resolveRef(ref);
        if (!current) {
          throw new HttpError(422, 'Reference does not exist');
        }
        if ((await repo.git.objectType(sha)) !== 'commit') {
          throw new HttpError(422, 'Object does not exist');
        }
        if (
          body?.force !== true &&
          !(await repo.git.isAncestor(current, sha))
        ) {
          throw new HttpError(422, 'Update is not a fast forward');
        }
        await repo.git.updateRef(ref, sha, current);
        return json(200, refJson(repo, ref, sha));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls$/,
      exclusive: true,
      handle: async ({ params, body }) => {
        const repo = findRepo(params[0], params[1]);
        const title = requireString(body, 'title');
        const headSpec = requireString(body, 'head');
        const base = requireString(body, 'base');
        const [headOwner, headRef] = headSpec.includes(':')
          ? headSpec.split(/:(.*)/s)
          : [repo.owner, headSpec];
        if (headOwner.toLowerCase() !== repo.owner.toLowerCase()) {
          throw new NoRouteError(
            `pull requests from forks (${headSpec}) are not implemented by the stand-in`,
          );
        }
        const baseSha = await repo.git
          .resolveRef(`refs/heads/${base}`)
          .catch(() => undefined);
        const headSha = await repo.git
          .resolveRef(`refs/heads/${headRef}`)
          .catch(() => undefined);
        const invalid = [
          ...(baseSha
            ? []
            : [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]),
          ...(headSha
            ? []
            : [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]),
        ];
        if (!baseSha || !headSha) throw validationFailed(invalid);
        const existing = state.pullRequests.find(
          p =>
            p.owner === repo.owner &&
            p.repo === repo.name &&
            p.state === 'open' &&
            p.head.ref === headRef &&
            p.base.ref === base,
        );
        if (existing) {
          throw validationFailed([
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${repo.owner}:${headRef}.`,
            },
          ]);
        }
        if ((await repo.git.countCommits(baseSha, headSha)) === 0) {
          throw validationFailed([
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `No commits between ${base} and ${headRef}`,
            },
          ]);
        }
        const number =
          state.pullRequests.filter(
            p => p.owner === repo.owner && p.repo === repo.name,
          ).length + 1;
        const pr: RecordedPullRequest = {
          owner: repo.owner,
          repo: repo.name,
          number,
          state: 'open',
          title,
          body: typeof body?.body === 'string' ? body.body : '',
          draft: body?.draft === true,
          head: { ref: headRef, sha: headSha },
          base: { ref: base, sha: baseSha },
          htmlUrl: `${state.baseUrl}/${fullName(repo)}/pull/${number}`,
          createdAt: isoNow(),
        };
        state.pullRequests.push(pr);
        return json(201, pullJson(repo, pr));
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
      exclusive: true,
      handle: async ({ params, body }) => {
        const repo = findRepo(params[0], params[1]);
        const pr = state.pullRequests.find(
          p =>
            p.owner === repo.owner &&
            p.repo === repo.name &&
            p.number === Number(params[2]),
        );
        if (!pr) throw new HttpError(404, 'Not Found');
        if (typeof body?.title === 'string') pr.title = body.title;
        if (typeof body?.body === 'string') pr.body = body.body;
        if (body?.state === 'open' || body?.state === 'closed') {
          pr.state = body.state;
        }
        const headSha = await repo.git.resolveRef(`refs/heads/${pr.head.ref}`);
        if (headSha) pr.head.sha = headSha;
        return json(200, pullJson(repo, pr));
      },
    },
    // The one GraphQL query octokit-plugin-create-pull-request sends: does the head branch
    // exist, and has it an open pull request.
    {
      method: 'POST',
      pattern: /^\/api\/graphql$/,
      handle: async ({ body }) => {
        const query =
          typeof body?.query === 'string'
            ? body.query.replace(/\s+/g, ' ').trim()
            : '';
        if (!PULL_REQUEST_QUERY.test(query)) {
          throw new NoRouteError(
            `GraphQL query not implemented by the stand-in: ${query.slice(
              0,
              300,
            )}`,
          );
        }
        const { owner, repo: name, head } = body.variables ?? {};
        const repo =
          typeof owner === 'string' && typeof name === 'string'
            ? repos.get(key(owner, name))
            : undefined;
        if (!repo) {
          return json(200, {
            data: { repository: null },
            errors: [
              {
                type: 'NOT_FOUND',
                path: ['repository'],
                locations: [{ line: 3, column: 7 }],
                message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
              },
            ],
          });
        }
        const branch =
          typeof head === 'string' && head.startsWith('refs/heads/')
            ? head.slice('refs/heads/'.length)
            : head;
        const exists =
          typeof branch === 'string' &&
          (await repo.git
            .resolveRef(`refs/heads/${branch}`)
            .catch(() => undefined)) !== undefined;
        const open = state.pullRequests.filter(
          p =>
            p.owner === repo.owner &&
            p.repo === repo.name &&
            p.state === 'open' &&
            p.head.ref === branch,
        );
        return json(200, {
          data: {
            repository: {
              ref: exists
                ? {
                    associatedPullRequests: {
                      edges: open.slice(0, 1).map(p => ({
                        node: {
                          id: nodeId('PR', `${fullName(repo)}#${p.number}`),
                          number: p.number,
                          url: p.htmlUrl,
                        },
                      })),
                    },
                  }
                : null,
            },
          },
        });
      },
    },
  ];

  const send = (res: http.ServerResponse, reply: Reply) => {
    const body =
      reply.body ??
      (reply.json === undefined
        ? Buffer.alloc(0)
        : Buffer.from(JSON.stringify(reply.json)));
    res.writeHead(reply.status, {
      // GitHub answers 304 Not Modified without a body or its type.
      ...(reply.status === 304
        ? {}
        : { 'content-type': 'application/json; charset=utf-8' }),
      'content-length': String(body.length),
      'x-github-media-type': 'github.v3; format=json',
      'x-oauth-scopes': 'repo, workflow',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      ...reply.headers,
    });
    res.end(body);
  };

  const authorized = (req: http.IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    return header === `token ${token}` || header === `Bearer ${token}`;
  };

  const handle = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (status: number) => {
      state.requests.push({ method, path: url.pathname, status });
      state.requests.splice(
        0,
        Math.max(0, state.requests.length - MAX_REQUESTS_KEPT),
      );
    };
    const unhandled = (status: number, reason: string) => {
      state.unhandledRequests.push({ method, path: url.pathname, reason });
      log(
        `GitHub API stand-in: ${method} ${url.pathname}${url.search} answered ${status}: ${reason}`,
      );
    };
    let reply: Reply;
    try {
      const match = routes
        .map(route => ({ route, m: route.pattern.exec(url.pathname) }))
        .find(({ route, m }) => m && route.method === method);
      if (!match?.m) {
        throw new NoRouteError('no route');
      }
      const { route, m } = match;
      const unsupported = [...url.searchParams.keys()].filter(
        q => !(route.query ?? []).includes(q),
      );
      if (unsupported.length) {
        throw new NoRouteError(
          `query parameter(s) ${unsupported.join(', ')} not implemented`,
        );
      }
      if (route.auth !== 'none' && !authorized(req)) {
        reply = json(401, {
          message: req.headers.authorization
            ? 'Bad credentials'
            : 'Requires authentication',
          documentation_url: DOCS,
        });
      } else {
        const raw = await readBody(req, maxBodyBytes);
        let body: unknown = undefined;
        if (raw.length) {
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            throw new HttpError(400, 'Problems parsing JSON');
          }
        }
        const run = () =>
          route.handle({
            method,
            url,
            params: m.slice(1),
            body,
            headers: req.headers,
          });
        if (route.exclusive) {
          const result = exclusive.then(run, run);
          exclusive = result.catch(() => undefined);
          reply = await result;
        } else {
          reply = await run();
        }
      }
    } catch (error) {
      if (error instanceof HttpError) {
        reply = json(error.status, {
          message: error.message,
          documentation_url: DOCS,
          ...error.extra,
        });
      } else if (error instanceof UnprocessableError) {
        reply = json(422, { message: error.message, documentation_url: DOCS });
      } else if (error instanceof NoRouteError) {
        reply = json(404, {
          message: 'Not Found',
          stand_in: `The GitHub API stand-in does not implement ${method} ${url.pathname}: ${error.message}`,
        });
        unhandled(404, error.message);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        reply = json(500, {
          message: `GitHub API stand-in failed: ${message}`,
        });
        unhandled(500, message);
      }
    }
    if (method === 'GET' && reply.status === 200 && reply.json !== undefined) {
      reply = conditionalReply(reply, req.headers['if-none-match']);
    }
    record(reply.status);
    if (!res.headersSent && !res.destroyed) {
      if (reply.status === 413) {
        reply.headers = { ...reply.headers, connection: 'close' };
        res.on('finish', () => req.destroy());
      }
      send(res, reply);
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(error => {
      log(`GitHub API stand-in: response failed: ${error}`);
      res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;
  server.maxConnections = 64;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  state.host = `127.0.0.1:${port}`;
  state.baseUrl = `http://${state.host}`;
  state.apiBaseUrl = `${state.baseUrl}/api/v3`;
  state.integrationConfig = {
    host: state.host,
    apiBaseUrl: state.apiBaseUrl,
    token,
  };

  state.addRepository = async spec => {
    if (!NAME.test(spec.owner) || !NAME.test(spec.name)) {
      throw new Error(
        `Invalid repository ${spec.owner}/${spec.name}: owner and name must match ${NAME}`,
      );
    }
    if (repos.has(key(spec.owner, spec.name))) {
      throw new Error(`Repository ${spec.owner}/${spec.name} already exists`);
    }
    const defaultBranch = spec.defaultBranch ?? 'main';
    const git = await GitRepository.init({
      gitDir: join(root, 'repositories', spec.owner, `${spec.name}.git`),
      scratchDir: join(root, 'scratch'),
      defaultBranch,
    });
    const createdAt = isoNow();
    const headSha = await git.commitFiles({
      branch: defaultBranch,
      files: spec.files,
      message: 'Initial commit\n',
      author: { name: 'Repository Owner', email: 'owner@example.com' },
    });
    repos.set(key(spec.owner, spec.name), {
      id: nextRepoId++,
      owner: spec.owner,
      name: spec.name,
      description: spec.description,
      defaultBranch,
      permissions: {
        admin: false,
        maintain: false,
        push: true,
        triage: true,
        pull: true,
        ...spec.permissions,
      },
      git,
      createdAt,
    });
    return { headSha };
  };

  /** A repository a test names; throws (the test is wrong) when there is none. */
  const testRepository = (owner: string, name: string): RepoState => {
    const repo = repos.get(key(owner, name));
    if (!repo)
      throw new Error(`No repository ${owner}/${name} on the stand-in`);
    return repo;
  };
  state.addWorkflowRun = (owner, name, run) =>
    workflowRuns.add(testRepository(owner, name), run);
  state.setEnvironment = (owner, name, environment) =>
    environments.set(testRepository(owner, name), environment);
  state.gitRepository = (owner, name) => testRepository(owner, name).git;

  state.stop = async () => {
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
    codeloadTokens.clear();
    rmSync(root, { recursive: true, force: true });
  };

  try {
    for (const spec of options.repositories ?? []) {
      await state.addRepository(spec);
    }
  } catch (error) {
    await state.stop();
    throw error;
  }
  return state;
}
