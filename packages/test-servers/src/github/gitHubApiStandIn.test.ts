import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubApiStandIn, startGitHubApiStandIn } from './gitHubApiStandIn';

describe('startGitHubApiStandIn', () => {
  let standIn: GitHubApiStandIn;
  let baseSha: string;
  const logged: string[] = [];

  beforeAll(async () => {
    standIn = await startGitHubApiStandIn({
      token: 'test-token',
      log: message => logged.push(message),
      maxBodyBytes: 1024 * 1024,
      repositories: [
        {
          owner: 'acme',
          name: 'shop',
          files: {
            'README.md': '# shop\n',
            'bin/run.sh': { content: '#!/bin/sh\n', executable: true },
          },
        },
      ],
    });
    baseSha = (
      await standIn.gitRepository('acme', 'shop').git(['rev-parse', 'main'])
    )
      .toString()
      .trim();
  });

  afterAll(() => standIn.stop());

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { authorization: 'token test-token' },
  ) {
    const response = await fetch(`${standIn.baseUrl}${path}`, {
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    let json: any = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, json, headers: response.headers };
  }

  const repoApi = '/api/v3/repos/acme/shop';

  it('listens on loopback and serves the repository with GitHub shapes', async () => {
    expect(standIn.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(standIn.integrationConfig).toEqual({
      host: standIn.host,
      apiBaseUrl: `${standIn.baseUrl}/api/v3`,
      token: 'test-token',
    });
    const repo = await call('GET', repoApi);
    expect(repo.status).toBe(200);
    expect(repo.headers.get('x-oauth-scopes')).toContain('repo');
    expect(repo.json).toMatchObject({
      full_name: 'acme/shop',
      default_branch: 'main',
      permissions: { push: true, pull: true },
      archive_url: `${standIn.apiBaseUrl}/repos/acme/shop/{archive_format}{/ref}`,
    });
  });

  it('refuses missing or wrong tokens', async () => {
    expect((await call('GET', repoApi, undefined, {})).json.message).toBe(
      'Requires authentication',
    );
    const bad = await call('GET', repoApi, undefined, {
      authorization: 'token nope',
    });
    expect(bad.status).toBe(401);
    expect(bad.json.message).toBe('Bad credentials');
  });

  it('answers 404 for unknown repositories and refs without calling them unhandled', async () => {
    expect((await call('GET', '/api/v3/repos/acme/nope')).status).toBe(404);
    const missingRef = await call(
      'GET',
      `${repoApi}/commits/no-such-branch/status`,
    );
    expect(missingRef.status).toBe(404);
    expect(missingRef.json.message).toBe(
      'No commit found for SHA: no-such-branch',
    );
    expect(standIn.unhandledRequests).toEqual([]);
  });

  it('serves the tarball git archive makes, through a codeload redirect', async () => {
    const status = await call(
      'GET',
      `${repoApi}/commits/main/status?per_page=0`,
    );
    expect(status.json.sha).toBe(baseSha);
    const redirect = await call('GET', `${repoApi}/tarball/${baseSha}`);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(
      new RegExp(
        `^${standIn.baseUrl}/_codeload/acme/shop/legacy\\.tar\\.gz/${baseSha}\\?token=`,
      ),
    );
    // The one-time link is bound to its repository and commit.
    expect(
      (await fetch(location.replace(/token=.*/, 'token=forged'))).status,
    ).toBe(404);
    const tarball = Buffer.from(await (await fetch(location)).arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'stand-in-tarball-'));
    try {
      execFileSync('tar', ['-xzf', '-', '-C', dir], { input: tarball });
      const top = join(dir, `acme-shop-${baseSha.slice(0, 7)}`);
      expect(readFileSync(join(top, 'README.md'), 'utf8')).toBe('# shop\n');
      expect(statSync(join(top, 'bin/run.sh')).mode & 0o111).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies blobs, trees, commits, refs and pull requests with git', async () => {
    const git = standIn.gitRepository('acme', 'shop');
    const blob = await call('POST', `${repoApi}/git/blobs`, {
      content: Buffer.from([0, 1, 2, 255]).toString('base64'),
      encoding: 'base64',
    });
    expect(blob.status).toBe(201);
    const [latest] = (
      await call('GET', `${repoApi}/commits?sha=main&per_page=1`)
    ).json;
    expect(latest.sha).toBe(baseSha);
    const tree = await call('POST', `${repoApi}/git/trees`, {
      base_tree: latest.commit.tree.sha,
      tree: [
        { path: 'data/blob.bin', mode: '100644', sha: blob.json.sha },
        { path: 'NOTES.md', mode: '100644', content: 'notes\n' },
        { path: 'bin/run.sh', mode: '100755', sha: null },
      ],
    });
    expect(tree.status).toBe(201);
    const commit = await call('POST', `${repoApi}/git/commits`, {
      message: 'Add data',
      tree: tree.json.sha,
      parents: [baseSha],
      author: { name: 'A. Uthor', email: 'a@example.com' },
    });
    expect(commit.status).toBe(201);
    expect(commit.json).toMatchObject({
      tree: { sha: tree.json.sha },
      parents: [{ sha: baseSha }],
      author: { name: 'A. Uthor', email: 'a@example.com' },
    });
    const sha = commit.json.sha;

    const show = (rev: string) => git.git(['show', rev]);
    expect(await show(`${sha}:data/blob.bin`)).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );
    expect((await show(`${sha}:NOTES.md`)).toString()).toBe('notes\n');
    expect(
      (await git.git(['ls-tree', '-r', '--name-only', sha])).toString(),
    ).toBe('NOTES.md\nREADME.md\ndata/blob.bin\n');

    expect(
      (
        await call('POST', `${repoApi}/git/refs`, {
          ref: 'refs/heads/feature/data',
          sha,
        })
      ).status,
    ).toBe(201);
    const again = await call('POST', `${repoApi}/git/refs`, {
      ref: 'refs/heads/feature/data',
      sha,
    });
    expect(again.status).toBe(422);
    expect(again.json.message).toBe('Reference already exists');
    // Moving the branch back is not a fast-forward unless forced.
    const back = await call(
      'PATCH',
      `${repoApi}/git/refs/${encodeURIComponent('heads/feature/data')}`,
      { sha: baseSha },
    );
    expect(back.json.message).toBe('Update is not a fast forward');

    const graphql = (head: string) =>
      call('POST', '/api/graphql', {
        query: `
    query ($owner: String!, $repo: String!, $head: String!) {
      repository(name: $repo, owner: $owner) {
        ref(qualifiedName: $head) {
          associatedPullRequests(first: 1, states: OPEN) {
            edges {
              node {
                id
                number
                url
              }
            }
          }
        }
      }
    }`,
        variables: { owner: 'acme', repo: 'shop', head },
      });
    expect((await graphql('nope')).json).toEqual({
      data: { repository: { ref: null } },
    });

    const pull = await call('POST', `${repoApi}/pulls`, {
      title: 'Add data',
      body: 'Adds data',
      head: 'acme:feature/data',
      base: 'main',
    });
    expect(pull.status).toBe(201);
    expect(pull.json).toMatchObject({
      number: 1,
      html_url: `${standIn.baseUrl}/acme/shop/pull/1`,
      base: { ref: 'main', sha: baseSha },
      head: { ref: 'feature/data', sha },
    });
    expect(standIn.pullRequests).toEqual([
      expect.objectContaining({
        number: 1,
        title: 'Add data',
        body: 'Adds data',
      }),
    ]);
    expect(
      (await graphql('feature/data')).json.data.repository.ref
        .associatedPullRequests.edges[0].node,
    ).toMatchObject({ number: 1, url: pull.json.html_url });
    const duplicate = await call('POST', `${repoApi}/pulls`, {
      title: 'Again',
      head: 'feature/data',
      base: 'main',
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json.errors[0].message).toBe(
      'A pull request already exists for acme:feature/data.',
    );
    expect(standIn.unhandledRequests).toEqual([]);
  });

  it.each([
    [
      'a path leaving the repository',
      { tree: [{ path: '../escape', mode: '100644', content: 'x' }] },
      '"../escape" is not a valid path in a tree',
    ],
    [
      'a blob that does not exist',
      { tree: [{ path: 'x', mode: '100644', sha: 'f'.repeat(40) }] },
      `tree.sha ${'f'.repeat(40)} for "x" is not a valid blob`,
    ],
    [
      'an unknown mode',
      { tree: [{ path: 'x', mode: '100600', content: 'x' }] },
      'tree.mode 100600',
    ],
  ])('refuses a tree with %s (422)', async (_what, body, message) => {
    const response = await call('POST', `${repoApi}/git/trees`, body);
    expect(response.status).toBe(422);
    expect(response.json.message).toContain(message);
  });

  it('refuses a pull request without commits', async () => {
    await call('POST', `${repoApi}/git/refs`, {
      ref: 'refs/heads/empty',
      sha: baseSha,
    });
    const response = await call('POST', `${repoApi}/pulls`, {
      title: 'Nothing',
      head: 'empty',
      base: 'main',
    });
    expect(response.status).toBe(422);
    expect(response.json.errors[0].message).toBe(
      'No commits between main and empty',
    );
  });

  it('answers routes it does not implement with a loud 404', async () => {
    const before = standIn.unhandledRequests.length;
    const response = await call('GET', `${repoApi}/branches/main`);
    expect(response.status).toBe(404);
    const unknownQuery = await call('GET', `${repoApi}/commits?path=README.md`);
    expect(unknownQuery.status).toBe(404);
    expect(standIn.unhandledRequests.slice(before)).toEqual([
      {
        method: 'GET',
        path: '/api/v3/repos/acme/shop/branches/main',
        reason: 'no route',
      },
      {
        method: 'GET',
        path: '/api/v3/repos/acme/shop/commits',
        reason: 'query parameter(s) path not implemented',
      },
    ]);
    expect(logged.join('\n')).toContain(
      'GET /api/v3/repos/acme/shop/branches/main answered 404',
    );
    standIn.unhandledRequests.splice(before);
  });

  it('lists workflow runs newest first, filtered as GitHub filters them, and answers an unchanged list 304', async () => {
    await standIn.addRepository({
      owner: 'acme',
      name: 'runs',
      files: { '.github/workflows/ci.yaml': 'on: push\n' },
    });
    await expect(
      standIn.addWorkflowRun('acme', 'runs', {
        workflow: '.github/workflows/missing.yaml',
      }),
    ).rejects.toThrow("not on acme/runs's default branch");
    const ok = await standIn.addWorkflowRun('acme', 'runs', {
      workflow: '.github/workflows/ci.yaml',
      createdAt: '2026-12-01T10:00:00Z',
    });
    const failed = await standIn.addWorkflowRun('acme', 'runs', {
      workflow: '.github/workflows/ci.yaml',
      conclusion: 'failure',
      createdAt: '2026-12-02T10:00:00Z',
      updatedAt: '2026-12-02T10:07:00Z',
    });
    await standIn.addWorkflowRun('acme', 'runs', {
      workflow: '.github/workflows/ci.yaml',
      branch: 'main',
      event: 'pull_request',
      createdAt: '2026-12-03T10:00:00Z',
    });
    const path = `/api/v3/repos/acme/runs/actions/workflows/ci.yaml/runs?branch=main&event=push&status=completed&per_page=1`;
    const first = await call('GET', path);
    expect(first.status).toBe(200);
    expect(first.json.total_count).toBe(2);
    expect(first.json.workflow_runs).toEqual([
      expect.objectContaining({
        id: failed.id,
        path: '.github/workflows/ci.yaml',
        head_branch: 'main',
        event: 'push',
        status: 'completed',
        conclusion: 'failure',
        run_number: 2,
        updated_at: '2026-12-02T10:07:00Z',
        html_url: `${standIn.baseUrl}/acme/runs/actions/runs/${failed.id}`,
      }),
    ]);
    const successes = await call(
      'GET',
      `/api/v3/repos/acme/runs/actions/workflows/${first.json.workflow_runs[0].workflow_id}/runs?status=success`,
    );
    expect(successes.json.workflow_runs.map((r: any) => r.id)).toEqual([
      expect.any(Number),
      ok.id,
    ]);

    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const again = await call('GET', path, undefined, {
      authorization: 'token test-token',
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('content-type')).toBeNull();
    await standIn.addWorkflowRun('acme', 'runs', {
      workflow: '.github/workflows/ci.yaml',
      createdAt: '2026-12-04T10:00:00Z',
    });
    const changed = await call('GET', path, undefined, {
      authorization: 'token test-token',
      'if-none-match': etag,
    });
    expect(changed.status).toBe(200);
    expect(changed.json.workflow_runs[0].conclusion).toBe('success');

    const unknown = await call(
      'GET',
      '/api/v3/repos/acme/runs/actions/workflows/deploy.yaml/runs',
    );
    expect(unknown.status).toBe(404);
  });

  it('lists deployment environments with their protection rules', async () => {
    standIn.setEnvironment('acme', 'shop', {
      name: 'production',
      reviewers: ['ada', 'grace'],
      waitTimer: 5,
    });
    standIn.setEnvironment('acme', 'shop', { name: 'staging' });
    const listed = await call('GET', `${repoApi}/environments?per_page=100`);
    expect(listed.status).toBe(200);
    expect(listed.json.total_count).toBe(2);
    const [production, staging] = listed.json.environments;
    expect(production.name).toBe('production');
    expect(production.protection_rules).toEqual([
      expect.objectContaining({
        type: 'required_reviewers',
        reviewers: [
          expect.objectContaining({
            reviewer: expect.objectContaining({ login: 'ada' }),
          }),
          expect.objectContaining({
            reviewer: expect.objectContaining({ login: 'grace' }),
          }),
        ],
      }),
      expect.objectContaining({ type: 'wait_timer', wait_timer: 5 }),
    ]);
    expect(staging.protection_rules).toEqual([]);
  });

  it('refuses bodies over the limit', async () => {
    const response = await call('POST', `${repoApi}/git/blobs`, {
      content: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.json.message).toBe(
      'Request body larger than 1048576 bytes',
    );
  });

  it('removes its repositories when stopped', async () => {
    const other = await startGitHubApiStandIn({
      repositories: [{ owner: 'acme', name: 'tmp', files: { a: 'a' } }],
    });
    const gitDir = other.gitRepository('acme', 'tmp').gitDir;
    expect(existsSync(gitDir)).toBe(true);
    await other.stop();
    expect(existsSync(gitDir)).toBe(false);
    await expect(
      fetch(`${other.baseUrl}/api/v3/repos/acme/tmp`),
    ).rejects.toThrow();
  });
});
