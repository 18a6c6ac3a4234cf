import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  GitHubApiStandIn,
  startGitHubApiStandIn,
} from '@internal/test-servers';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { parse, stringify } from 'yaml';
import { renderedCi } from '../__testUtils__/renderedCi';
import { createPipelineDefinedCheck } from '../checks/pipelineDefined';
import { ScmCollector } from './ScmCollector';

jest.setTimeout(60_000);

const AUTHOR = { name: 'Dev', email: 'dev@example.com' };

function component(name: string, sourceLocation?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: sourceLocation
        ? { 'backstage.io/source-location': sourceLocation }
        : {},
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
  };
}

describe('ScmCollector against the GitHub API stand-in (real git repositories)', () => {
  let standIn: GitHubApiStandIn;
  let collector: ScmCollector;
  const ci = renderedCi();
  const location = (repo: string) =>
    `url:https://${standIn.host}/acme/${repo}/tree/main/`;
  const context = () => ({
    logger: mockServices.logger.mock(),
    signal: new AbortController().signal,
    now: new Date(),
  });
  const check = createPipelineDefinedCheck();
  const judge = async (entity: Entity) => {
    const collected = await collector.collect([entity], context());
    const ref = `component:default/${entity.metadata.name}`;
    return {
      error: collected.errors?.get(ref),
      result: await runCheckOnFixtures(check, {
        entity,
        facts: { scm: collected.facts.get(ref) },
        now: new Date(),
      }),
    };
  };

  beforeAll(async () => {
    standIn = await startGitHubApiStandIn({
      repositories: [
        {
          owner: 'acme',
          name: 'orders-api',
          files: {
            '.github/workflows/ci.yaml': ci.github,
            'README.md': '# orders-api\n',
            'src/server.js': 'require("http").createServer().listen(8080);\n',
          },
        },
        {
          owner: 'acme',
          name: 'no-ci-api',
          files: { 'README.md': '# no CI\n' },
        },
      ],
    });
    collector = new ScmCollector(
      UrlReaders.default({
        config: new ConfigReader({
          integrations: { github: [standIn.integrationConfig] },
        }),
        logger: mockServices.logger.mock(),
      }),
    );
  });
  afterAll(() => standIn?.stop());

  it('reads the CI definitions once, then costs one call while the repository is unchanged, and reads again after a push', async () => {
    const orders = component('orders-api', location('orders-api'));
    let before = standIn.requests.length;
    const first = await judge(orders);
    expect(first.result.status).toBe('pass');
    expect(
      standIn.requests.slice(before).map(r => `${r.method} ${r.path}`),
    ).toEqual([
      'GET /api/v3/repos/acme/orders-api/commits/main/status',
      expect.stringMatching(
        /^GET \/api\/v3\/repos\/acme\/orders-api\/tarball\/[0-9a-f]{40}$/,
      ),
      // GitHub redirects the archive to codeload.
      expect.stringMatching(
        /^GET \/_codeload\/acme\/orders-api\/legacy\.tar\.gz\/[0-9a-f]{40}$/,
      ),
    ]);

    // Unchanged: the commit is the ETag, so nothing is downloaded again.
    before = standIn.requests.length;
    expect((await judge(orders)).result.status).toBe('pass');
    expect(
      standIn.requests.slice(before).map(r => `${r.method} ${r.path}`),
    ).toEqual(['GET /api/v3/repos/acme/orders-api/commits/main/status']);

    // A push that drops the image scan: read again, and the check says what is missing.
    const git = standIn.gitRepository('acme', 'orders-api');
    const head = (await git.resolveRef('refs/heads/main'))!;
    const doc = parse(ci.github);
    doc.jobs.image.steps = doc.jobs.image.steps.filter(
      (s: any) => !String(s.uses ?? '').includes('trivy'),
    );
    const tree = await git.writeTree((await git.readCommit(head)).tree, [
      {
        path: '.github/workflows/ci.yaml',
        mode: '100644',
        sha: await git.writeBlob(Buffer.from(stringify(doc))),
      },
    ]);
    const pushed = await git.writeCommit({
      tree,
      parents: [head],
      message: 'Drop the image scan',
      author: AUTHOR,
      committer: AUTHOR,
    });
    await git.updateRef('refs/heads/main', pushed, head);
    const after = await judge(orders);
    expect(after.result.status).toBe('fail');
    expect(after.result.summary).toContain('no job scans');
  });

  it('reads a repository shared by two entities once, fails one without CI, and reports a missing repository as an error', async () => {
    const before = standIn.requests.length;
    const collected = await collector.collect(
      [
        component('orders-api-worker', location('orders-api')),
        component('orders-api-web', location('orders-api')),
      ],
      context(),
    );
    expect(collected.facts.size).toBe(2);
    expect(
      standIn.requests.slice(before).filter(r => r.path.endsWith('/status')),
    ).toHaveLength(1);

    expect(
      (await judge(component('no-ci-api', location('no-ci-api')))).result,
    ).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        /^No CI definition in https:\/\/.+\/acme\/no-ci-api\/tree\/main\/ \(main\): neither/,
      ),
    });

    const missing = await judge(component('ghost-api', location('ghost-api')));
    expect(missing.error).toMatch(
      /^Reading the CI definitions of https:\/\/.+\/acme\/ghost-api\/tree\/main\/ failed: .*404/,
    );
    // A location that is not a URL the integrations read is an error naming the annotation.
    const local = await collector.collect(
      [component('local-api', 'file:/srv/local-api/catalog-info.yaml')],
      context(),
    );
    expect(local.errors?.get('component:default/local-api')).toBe(
      'backstage.io/source-location "file:/srv/local-api/catalog-info.yaml" is not a url: location; only repositories read through an integration can be judged',
    );
  });
});
