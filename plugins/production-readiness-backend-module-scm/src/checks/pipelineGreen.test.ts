import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { ORDERS_API } from '../__testUtils__/repositoryFacts';
import { LatestRun, ScmFacts } from '../pipeline/facts';
import { createPipelineGreenCheck } from './pipelineGreen';

const NOW = new Date('2026-12-06T12:00:00Z');
const HEAD = 'a'.repeat(40);
const BUILT = 'b'.repeat(40);

/** Run #12 of ci.yaml, green, two hours before NOW, of a commit older than the head. */
const GREEN_RUN: LatestRun = {
  id: 1,
  runNumber: 12,
  conclusion: 'success',
  headSha: BUILT,
  url: 'https://github.com/acme/orders-api/actions/runs/1',
  finishedAt: '2026-12-06T10:00:00Z',
};

const facts = (runs: ScmFacts['runs']): ScmFacts => ({
  sourceLocation: 'https://gitlab.example.com/acme/orders-api/-/tree/main/',
  defaultBranch: 'main',
  pipelines: [],
  commit: HEAD,
  runs,
});
const judge = (runs: ScmFacts['runs']) =>
  runCheckOnFixtures(createPipelineGreenCheck(), {
    entity: ORDERS_API,
    facts: { scm: facts(runs) },
    now: NOW,
  });

describe('delivery.pipeline-green', () => {
  it('is unknown, with the reason, where run results cannot be read', async () => {
    expect(
      await judge({
        state: 'unavailable',
        reason:
          'gitlab.example.com is not a GitHub integration: run results are read from GitHub Actions only',
      }),
    ).toMatchObject({
      status: 'unknown',
      summary:
        'The runs of https://gitlab.example.com/acme/orders-api/-/tree/main/ could not be read: gitlab.example.com is not a GitHub integration: run results are read from GitHub Actions only',
    });
    expect((await judge(undefined)).status).toBe('unknown');
  });

  it('is unknown when one workflow cannot be listed and the others are green, and fails when another is red', async () => {
    const green = { file: '.github/workflows/ci.yaml', latest: GREEN_RUN };
    const unlisted = {
      file: '.github/workflows/deploy.yaml',
      error: 'GitHub has no workflow .github/workflows/deploy.yaml (404)',
    };
    expect(
      await judge({ state: 'read', workflows: [green, unlisted] }),
    ).toMatchObject({
      status: 'unknown',
      summary:
        'The runs of .github/workflows/deploy.yaml: GitHub has no workflow .github/workflows/deploy.yaml (404)',
    });
    const red = {
      file: '.github/workflows/codeql.yaml',
      latest: { ...green.latest, id: 2, conclusion: 'timed_out' },
    };
    expect(
      await judge({ state: 'read', workflows: [green, unlisted, red] }),
    ).toMatchObject({
      status: 'fail',
      summary:
        'The default branch (main) is not green: .github/workflows/codeql.yaml run #12 (bbbbbbb, 2026-12-06T10:00:00Z) ended timed_out',
    });
  });

  it('passes and says when the head commit has no completed run yet', async () => {
    expect(
      await judge({
        state: 'read',
        workflows: [{ file: '.github/workflows/ci.yaml', latest: GREEN_RUN }],
      }),
    ).toMatchObject({
      status: 'pass',
      summary:
        'Latest runs on main succeeded: .github/workflows/ci.yaml run #12 (bbbbbbb, 2026-12-06T10:00:00Z) succeeded (the head aaaaaaa has no completed run yet)',
    });
  });
});
