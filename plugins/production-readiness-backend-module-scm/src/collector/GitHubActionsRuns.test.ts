import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  GitHubApiStandIn,
  startGitHubApiStandIn,
  WorkflowRunSpec,
} from '@internal/test-servers';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { renderedCi } from '../__testUtils__/renderedCi';
import { edited } from '../__testUtils__/repositoryFacts';
import { createPipelineDefinedCheck } from '../checks/pipelineDefined';
import { createPipelineGreenCheck } from '../checks/pipelineGreen';
import { gitHubReaders } from './gitHubReaders';
import { ScmCollector } from './ScmCollector';

jest.setTimeout(60_000);

const DAY = 24 * 3600_000;
const CI = '.github/workflows/ci.yaml';

describe('delivery.pipeline-green from the GitHub Actions runs API (stand-in with real git repositories)', () => {
  let standIn: GitHubApiStandIn;
  let collector: ScmCollector;
  const ci = renderedCi();
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const check = createPipelineGreenCheck({ maxRunAgeMs: 30 * DAY });

  const component = (repo: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: repo,
      namespace: 'default',
      annotations: {
        'backstage.io/source-location': `url:https://${standIn.host}/acme/${repo}/tree/main/`,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
  });

  const repository = async (
    name: string,
    runs: Array<Omit<WorkflowRunSpec, 'workflow'>>,
    files: Record<string, string> = { [CI]: ci.github },
  ) => {
    await standIn.addRepository({ owner: 'acme', name, files });
    for (const run of runs) {
      await standIn.addWorkflowRun('acme', name, { workflow: CI, ...run });
    }
  };

  const judge = async (repo: string) => {
    const entity = component(repo);
    const collected = await collector.collect([entity], {
      logger: mockServices.logger.mock(),
      signal: new AbortController().signal,
      now,
    });
    const ref = `component:default/${repo}`;
    expect(collected.errors?.get(ref)).toBeUndefined();
    return runCheckOnFixtures(check, {
      entity,
      facts: { scm: collected.facts.get(ref) },
      now,
    });
  };
  const requestsDuring = async (fn: () => Promise<unknown>) => {
    const before = standIn.requests.length;
    await fn();
    return standIn.requests
      .slice(before)
      .map(r => `${r.status} ${r.method} ${r.path}`);
  };

  beforeAll(async () => {
    standIn = await startGitHubApiStandIn();
    const config = new ConfigReader({
      integrations: { github: [standIn.integrationConfig] },
    });
    collector = new ScmCollector(
      UrlReaders.default({ config, logger: mockServices.logger.mock() }),
      { concurrency: 4, ...gitHubReaders(config) },
    );
  });
  afterAll(() => standIn?.stop());

  it('passes on a recent successful run, and an unchanged repository costs one status call and one 304 on the next refresh', async () => {
    await repository('orders-api', [{ createdAt: ago(2 * 3600_000) }]);
    let result: Awaited<ReturnType<typeof judge>> | undefined;
    const first = await requestsDuring(async () => {
      result = await judge('orders-api');
    });
    expect(result).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        /^Latest runs on main succeeded: \.github\/workflows\/ci\.yaml run #1 \([0-9a-f]{7}, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\) succeeded$/,
      ),
    });
    expect(result!.evidence?.[0]).toMatchObject({
      label: CI,
      url: expect.stringContaining('/acme/orders-api/actions/runs/'),
    });
    expect(first).toContain(
      '200 GET /api/v3/repos/acme/orders-api/actions/workflows/ci.yaml/runs',
    );

    const second = await requestsDuring(async () => {
      // The cached answer decides as the first did.
      expect(await judge('orders-api')).toMatchObject({
        status: 'pass',
        summary: result!.summary,
      });
    });
    expect(second).toEqual([
      '200 GET /api/v3/repos/acme/orders-api/commits/main/status',
      '304 GET /api/v3/repos/acme/orders-api/actions/workflows/ci.yaml/runs',
      // Its deploy job names an environment: their protection rules, unchanged too.
      '304 GET /api/v3/repos/acme/orders-api/environments',
    ]);

    // A new failing run changes the answer: the ETag no longer matches.
    await standIn.addWorkflowRun('acme', 'orders-api', {
      workflow: CI,
      conclusion: 'failure',
      createdAt: ago(3600_000),
    });
    const third = await judge('orders-api');
    expect(third.status).toBe('fail');
    expect(third.summary).toMatch(
      /^The default branch \(main\) is not green: \.github\/workflows\/ci\.yaml run #2 \([0-9a-f]{7}, .+Z\) ended failure$/,
    );
  });

  it('passes over cancelled runs to the last decisive one, and ignores runs of other branches and pull requests', async () => {
    await repository('payments-api', [
      { conclusion: 'failure', createdAt: ago(5 * 3600_000) },
      { conclusion: 'cancelled', createdAt: ago(4 * 3600_000) },
      {
        branch: 'feature',
        headSha: 'f'.repeat(40),
        createdAt: ago(3 * 3600_000),
      },
      { event: 'pull_request', createdAt: ago(2 * 3600_000) },
      { status: 'in_progress', createdAt: ago(3600_000) },
    ]);
    const result = await judge('payments-api');
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('run #1');
    expect(result.summary).toContain('ended failure');
  });

  it('fails a workflow whose last success is older than the allowed age, and one that never completed a run', async () => {
    await repository('ledger-api', [
      { createdAt: ago(40 * DAY), updatedAt: ago(40 * DAY) },
    ]);
    expect(await judge('ledger-api')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('succeeded but is older than 30d'),
    });

    await repository('new-api', [
      { conclusion: 'skipped', createdAt: ago(3600_000) },
    ]);
    expect(await judge('new-api')).toMatchObject({
      status: 'fail',
      summary:
        'The default branch (main) is not green: .github/workflows/ci.yaml has no completed run that succeeded or failed (1 cancelled or skipped)',
    });
  });

  it("takes the production environment's required reviewers as the deploy's gate", async () => {
    const reviewedOnly = edited(ci.github, doc => {
      delete doc.jobs['readiness-gate'];
      delete doc.jobs.deploy.needs;
    });
    await repository('reviewed-api', [{ createdAt: ago(3600_000) }], {
      [CI]: reviewedOnly,
    });
    const entity = component('reviewed-api');
    const defined = async () => {
      const collected = await collector.collect([entity], {
        logger: mockServices.logger.mock(),
        signal: new AbortController().signal,
        now,
      });
      return runCheckOnFixtures(createPipelineDefinedCheck(), {
        entity,
        facts: { scm: collected.facts.get('component:default/reviewed-api') },
        now,
      });
    };
    expect((await defined()).status).toBe('fail');
    standIn.setEnvironment('acme', 'reviewed-api', {
      name: 'production',
      reviewers: ['release-managers'],
    });
    expect(await defined()).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'deploy: environment production waits for a review by release-managers',
      ),
    });
  });

  it("reads a monorepo's CI at its root once for the services in its folders", async () => {
    await repository('shop-mono', [{ createdAt: ago(3600_000) }], {
      [CI]: ci.github,
      'services/cart/catalog-info.yaml': 'kind: Component\n',
      'services/search/catalog-info.yaml': 'kind: Component\n',
    });
    const inFolder = (name: string): Entity => ({
      ...component(name),
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'backstage.io/source-location': `url:https://${standIn.host}/acme/shop-mono/tree/main/services/${name}/`,
        },
      },
    });
    const before = standIn.requests.length;
    const collected = await collector.collect(
      [inFolder('cart'), inFolder('search')],
      {
        logger: mockServices.logger.mock(),
        signal: new AbortController().signal,
        now,
      },
    );
    for (const name of ['cart', 'search']) {
      const result = await runCheckOnFixtures(createPipelineDefinedCheck(), {
        entity: inFolder(name),
        facts: { scm: collected.facts.get(`component:default/${name}`) },
        now,
      });
      expect(result.status).toBe('pass');
    }
    expect(
      standIn.requests
        .slice(before)
        .filter(r => r.path.endsWith('/commits/main/status')),
    ).toHaveLength(1);
  });

  it('fails a repository without a workflow on pushes to the default branch, without asking for runs', async () => {
    await repository('no-ci-api', [], { 'README.md': '# no CI\n' });
    let result: Awaited<ReturnType<typeof judge>> | undefined;
    const calls = await requestsDuring(async () => {
      result = await judge('no-ci-api');
    });
    expect(result).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        /^No GitHub Actions workflow of .+\/acme\/no-ci-api\/tree\/main\/ runs on pushes to main/,
      ),
    });
    expect(calls.filter(c => c.includes('/actions/'))).toEqual([]);
  });
});
