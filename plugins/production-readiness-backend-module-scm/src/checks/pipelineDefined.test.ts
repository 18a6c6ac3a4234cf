import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import {
  edited,
  ORDERS_API,
  repositoryFacts,
} from '../__testUtils__/repositoryFacts';
import { CheckEvaluation } from '@production-readiness/plugin-production-readiness-node';
import { ScmFacts } from '../pipeline/facts';
import { createPipelineDefinedCheck } from './pipelineDefined';
import { renderedCi } from '../__testUtils__/renderedCi';

const check = createPipelineDefinedCheck();

function judge(files: Record<string, string>) {
  return runCheckOnFixtures(check, {
    entity: ORDERS_API,
    facts: { scm: repositoryFacts(files) },
    now: new Date('2026-12-06T12:00:00Z'),
  });
}

describe('delivery.pipeline-defined', () => {
  const ci = renderedCi();

  it("passes the template's GitHub Actions workflow and its GitLab CI file alike", async () => {
    const github = await judge({ '.github/workflows/ci.yaml': ci.github });
    expect(github).toMatchObject({
      status: 'pass',
      summary:
        'Tests (.github/workflows/ci.yaml: test), scans (.github/workflows/ci.yaml: image (trivy)) and a gated production deploy (deploy: calls the Production Readiness gate (job readiness-gate))',
    });
    const gitlab = await judge({ '.gitlab-ci.yml': ci.gitlab });
    expect(gitlab).toMatchObject({
      status: 'pass',
      summary:
        'Tests (.gitlab-ci.yml: test), scans (.gitlab-ci.yml: image-scan (trivy)) and a gated production deploy (deploy: calls the Production Readiness gate (job readiness-gate))',
    });
  });

  it('fails a pipeline without the image scan, naming what is missing', async () => {
    const unscanned = edited(ci.github, doc => {
      doc.jobs.image.steps = doc.jobs.image.steps.filter(
        (s: any) => !String(s.uses ?? '').includes('trivy'),
      );
    });
    const result = await judge({ '.github/workflows/ci.yaml': unscanned });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      'The pipeline of https://github.com/acme/orders-api/tree/main/ (main) falls short: no job scans (trivy, grype, anchore, codeql, snyk, osv-scanner, dependency-check)',
    );
  });

  it('fails a production deploy that waits for nothing', async () => {
    const ungated = edited(ci.github, doc => {
      delete doc.jobs['readiness-gate'];
      delete doc.jobs.deploy.needs;
    });
    expect(
      (await judge({ '.github/workflows/ci.yaml': ungated })).summary,
    ).toBe(
      'The pipeline of https://github.com/acme/orders-api/tree/main/ (main) falls short: .github/workflows/ci.yaml: job deploy deploys to production without waiting for a test and a scan job, the gate or a required review',
    );
    // Waiting for the test and scan jobs is a gate too, without the readiness gate.
    const needsBoth = edited(ci.github, doc => {
      delete doc.jobs['readiness-gate'];
      doc.jobs.deploy.needs = ['test', 'image'];
    });
    expect(
      (await judge({ '.github/workflows/ci.yaml': needsBoth })).summary,
    ).toContain('deploy: waits for test (tests) and image (scan)');
    // GitLab: a deploy job with `needs: []` starts at once, whatever the stages say.
    const gitlabUngated = edited(ci.gitlab, doc => {
      delete doc['readiness-gate'];
      doc.deploy.needs = [];
    });
    expect((await judge({ '.gitlab-ci.yml': gitlabUngated })).summary).toBe(
      'The pipeline of https://github.com/acme/orders-api/tree/main/ (main) falls short: .gitlab-ci.yml: job deploy deploys to production without waiting for a test and a scan job, the gate or a required review',
    );
  });

  it('takes a GitHub environment with required reviewers as the gate, and says when its rules could not be read', async () => {
    const reviewedOnly = edited(ci.github, doc => {
      delete doc.jobs['readiness-gate'];
      delete doc.jobs.deploy.needs;
    });
    const withEnvironments = (
      environments: ScmFacts['environments'],
    ): Promise<CheckEvaluation> =>
      runCheckOnFixtures(check, {
        entity: ORDERS_API,
        facts: {
          scm: {
            ...repositoryFacts({ '.github/workflows/ci.yaml': reviewedOnly }),
            environments,
          },
        },
        now: new Date('2026-12-06T12:00:00Z'),
      });
    expect(
      await withEnvironments({
        state: 'read',
        environments: [
          { name: 'staging', reviewers: [] },
          { name: 'Production', reviewers: ['ada', 'sre-team'] },
        ],
      }),
    ).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'deploy: environment production waits for a review by ada, sre-team',
      ),
    });
    expect(
      await withEnvironments({
        state: 'read',
        environments: [{ name: 'production', reviewers: [] }],
      }),
    ).toMatchObject({ status: 'fail' });
    expect(
      (
        await withEnvironments({
          state: 'unavailable',
          reason:
            'Listing the deployment environments of acme/orders-api failed: 403',
        })
      ).summary,
    ).toContain(
      "(its environment's protection rules could not be read: Listing the deployment environments of acme/orders-api failed: 403)",
    );
  });

  it('fails a repository without CI, one whose workflow never runs for the default branch, and unreadable YAML', async () => {
    expect(await judge({})).toMatchObject({
      status: 'fail',
      summary:
        'No CI definition in https://github.com/acme/orders-api/tree/main/ (main): neither .github/workflows/*.yml nor .gitlab-ci.yml',
    });
    const tagsOnly = edited(ci.github, doc => {
      doc.on = { push: { tags: ['v*'] } };
    });
    expect(
      (await judge({ '.github/workflows/ci.yaml': tagsOnly })).summary,
    ).toBe(
      'The pipeline of https://github.com/acme/orders-api/tree/main/ (main) falls short: no workflow runs on pushes to main; no job runs tests; no job scans (trivy, grype, anchore, codeql, snyk, osv-scanner, dependency-check); no job deploys to a production environment',
    );
    const broken = await judge({
      '.github/workflows/ci.yaml': ci.github,
      '.github/workflows/release.yaml': 'on: [push\njobs: {',
    });
    expect(broken.status).toBe('fail');
    expect(broken.summary).toMatch(
      /falls short: \.github\/workflows\/release\.yaml is not valid YAML: /,
    );
  });
});
