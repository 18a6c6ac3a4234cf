import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { describeError } from '@production-readiness/plugin-production-readiness-node';
import { LatestRun, RunsFacts } from '../pipeline/facts';
import {
  ConditionalReads,
  gitHubRepositoryClient,
} from './gitHubRepositoryClient';

/** Runs looked at per workflow to find the latest one that decided something. */
const RUNS_PER_PAGE = 10;
/** Conclusions that say nothing about the commit (superseded, skipped by a condition). */
const UNDECIDED = new Set(['cancelled', 'skipped', 'neutral']);

/** The newest run that decided something (runs come newest first), and how many came after it. */
function decide(
  runs: Array<{
    id: number;
    run_number: number;
    conclusion: string | null;
    head_sha: string;
    html_url: string;
    updated_at: string;
  }>,
): DecidedRuns {
  const decisive = runs.findIndex(run => !UNDECIDED.has(run.conclusion ?? ''));
  const found = runs[decisive];
  return {
    undecided: decisive === -1 ? runs.length : decisive,
    latest: found && {
      id: found.id,
      runNumber: found.run_number,
      conclusion: found.conclusion ?? 'unknown',
      headSha: found.head_sha,
      url: found.html_url,
      finishedAt: found.updated_at,
    },
  };
}

/** Where the latest results of a repository's workflows come from. */
export interface WorkflowRunsReader {
  read(options: {
    url: string;
    workflowFiles: string[];
    branch: string;
    signal?: AbortSignal;
  }): Promise<RunsFacts>;
}

/** What the runs of one workflow decide: the newest decisive run, and the undecided ones after it. */
interface DecidedRuns {
  latest?: LatestRun;
  undecided: number;
}

/**
 * The latest completed run of each workflow on a branch, from the GitHub Actions runs API
 * (`GET /repos/{owner}/{repo}/actions/workflows/{file}/runs`), authenticated with the GitHub
 * integration's credentials (token or GitHub App). Each call carries the previous answer's
 * ETag, so an unchanged workflow costs a `304 Not Modified`, which GitHub does not count
 * against the rate limit.
 */
export class GitHubActionsRuns implements WorkflowRunsReader {
  private readonly answers = new ConditionalReads<DecidedRuns>();

  constructor(
    private readonly integrations: ScmIntegrationRegistry,
    private readonly credentials: GithubCredentialsProvider,
  ) {}

  async read(options: {
    url: string;
    workflowFiles: string[];
    branch: string;
    signal?: AbortSignal;
  }): Promise<RunsFacts> {
    const { url, branch, signal } = options;
    const client = await gitHubRepositoryClient(
      this.integrations,
      this.credentials,
      url,
      signal,
    );
    if (!client.ok) {
      return { state: 'unavailable', reason: client.reason };
    }
    const { octokit, host, owner, repo } = client;
    const workflows = [];
    for (const file of options.workflowFiles) {
      try {
        const decided = await this.answers.read(
          `${host}/${owner}/${repo}/${branch}/${file}`,
          headers =>
            octokit.rest.actions.listWorkflowRuns({
              owner,
              repo,
              workflow_id: file.replace(/^.*\//, ''),
              branch,
              event: 'push',
              status: 'completed',
              per_page: RUNS_PER_PAGE,
              headers,
            }),
          data => decide(data.workflow_runs),
        );
        workflows.push({ file, ...decided });
      } catch (e) {
        if ((e as { status?: number }).status === 404) {
          workflows.push({
            file,
            error: `GitHub has no workflow ${file} in ${owner}/${repo} (404), or the token may not read its Actions`,
          });
        } else {
          return {
            state: 'unavailable',
            reason: `Listing the runs of ${file} in ${owner}/${repo} failed: ${describeError(
              e,
            )}`,
          };
        }
      }
    }
    return { state: 'read', workflows };
  }
}
