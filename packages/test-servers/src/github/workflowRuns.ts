import { GitRepository } from './GitRepository';
import { DOCS, HttpError, json, pageOf, Route } from './standInHttp';

/** A GitHub Actions run recorded on the stand-in, as a test wants it to have happened. */
export interface WorkflowRunSpec {
  /** The workflow file, e.g. `.github/workflows/ci.yaml`; it must exist on the default branch. */
  workflow: string;
  /** Default: the repository's default branch. */
  branch?: string;
  /** Default: the commit `branch` points to now. */
  headSha?: string;
  /** Default: `push`. */
  event?: string;
  /** Default: `completed`. */
  status?: 'queued' | 'in_progress' | 'completed';
  /** Default: `success` for a completed run, `null` otherwise. */
  conclusion?:
    | 'success'
    | 'failure'
    | 'cancelled'
    | 'skipped'
    | 'timed_out'
    | 'action_required'
    | 'neutral'
    | 'startup_failure'
    | null;
  /** ISO 8601; default now. */
  createdAt?: string;
  /** When the run last changed (finished); default `createdAt`. */
  updatedAt?: string;
}

/** The part of a stand-in repository the Actions and environments routes read. */
export interface StandInRepository {
  owner: string;
  name: string;
  defaultBranch: string;
  git: GitRepository;
}

/** What the route factories read of the stand-in: its repositories and addresses. */
export interface StandInRepositories {
  findRepo(owner: string, name: string): StandInRepository;
  api(path: string): string;
  webUrl(path: string): string;
  now(): string;
}

/** `owner/name`, lower-cased, as GitHub matches repositories. */
export const repositoryKey = (repo: StandInRepository) =>
  `${repo.owner.toLowerCase()}/${repo.name.toLowerCase()}`;

interface RecordedRun {
  id: number;
  workflowId: number;
  path: string;
  runNumber: number;
  branch: string;
  headSha: string;
  event: string;
  status: string;
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
}

const WORKFLOW_PATH = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const STATUSES = new Set([
  'queued',
  'in_progress',
  'completed',
  'requested',
  'waiting',
  'pending',
]);

/**
 * GitHub Actions workflow runs for the stand-in: runs are recorded by tests
 * (`addWorkflowRun`) and listed by `GET /repos/{owner}/{repo}/actions/workflows/{id}/runs`
 * with GitHub's filters (branch, event, status or conclusion, head_sha), pages and shapes.
 * A workflow exists when its file is on the repository's default branch, as on GitHub.
 */
export function createWorkflowRuns(deps: StandInRepositories) {
  const runs = new Map<string, RecordedRun[]>();
  const workflowIds = new Map<string, number>();
  let nextRunId = 7_000_000_001;
  const workflowId = (repo: StandInRepository, path: string) => {
    const k = `${repositoryKey(repo)}:${path}`;
    if (!workflowIds.has(k)) workflowIds.set(k, 160_000_000 + workflowIds.size);
    return workflowIds.get(k)!;
  };
  const pathOfWorkflow = (repo: StandInRepository, id: number) => {
    const prefix = `${repositoryKey(repo)}:`;
    const found = [...workflowIds].find(
      ([k, v]) => v === id && k.startsWith(prefix),
    );
    return found?.[0].slice(prefix.length);
  };
  const onDefaultBranch = async (repo: StandInRepository, path: string) => {
    try {
      await repo.git.git([
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/heads/${repo.defaultBranch}:${path}`,
      ]);
      return true;
    } catch {
      return false;
    }
  };
  const runJson = (repo: StandInRepository, run: RecordedRun) => {
    const full = `${repo.owner}/${repo.name}`;
    return {
      id: run.id,
      name: run.path.replace(/^.*\//, ''),
      node_id: `WFR_${Buffer.from(String(run.id)).toString('base64url')}`,
      head_branch: run.branch,
      head_sha: run.headSha,
      path: run.path,
      display_title: `Run ${run.runNumber}`,
      run_number: run.runNumber,
      run_attempt: 1,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: run.workflowId,
      url: deps.api(`/repos/${full}/actions/runs/${run.id}`),
      html_url: deps.webUrl(`/${full}/actions/runs/${run.id}`),
      workflow_url: deps.api(
        `/repos/${full}/actions/workflows/${run.workflowId}`,
      ),
      pull_requests: [],
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      run_started_at: run.createdAt,
      repository: {
        id: 0,
        name: repo.name,
        full_name: full,
        url: deps.api(`/repos/${full}`),
      },
    };
  };

  const add = async (
    repo: StandInRepository,
    spec: WorkflowRunSpec,
  ): Promise<{ id: number }> => {
    if (!WORKFLOW_PATH.test(spec.workflow)) {
      throw new Error(
        `workflow must be a .github/workflows/*.yml path, not "${spec.workflow}"`,
      );
    }
    if (!(await onDefaultBranch(repo, spec.workflow))) {
      throw new Error(
        `${spec.workflow} is not on ${repo.owner}/${repo.name}'s default branch, so GitHub has no such workflow`,
      );
    }
    const branch = spec.branch ?? repo.defaultBranch;
    const headSha =
      spec.headSha ?? (await repo.git.resolveRef(`refs/heads/${branch}`));
    if (!headSha) {
      throw new Error(
        `No branch ${branch} in ${repo.owner}/${repo.name}: give the run a headSha`,
      );
    }
    const status = spec.status ?? 'completed';
    const createdAt = spec.createdAt ?? deps.now();
    const list = runs.get(repositoryKey(repo)) ?? [];
    const run: RecordedRun = {
      id: nextRunId++,
      workflowId: workflowId(repo, spec.workflow),
      path: spec.workflow,
      runNumber: list.filter(r => r.path === spec.workflow).length + 1,
      branch,
      headSha,
      event: spec.event ?? 'push',
      status,
      conclusion:
        spec.conclusion === undefined
          ? (status === 'completed' && 'success') || null
          : spec.conclusion,
      createdAt,
      updatedAt: spec.updatedAt ?? createdAt,
    };
    runs.set(repositoryKey(repo), [...list, run]);
    return { id: run.id };
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern:
        /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/,
      query: [
        'branch',
        'event',
        'status',
        'head_sha',
        'exclude_pull_requests',
        'per_page',
        'page',
      ],
      handle: async ({ params, url }) => {
        const repo = deps.findRepo(params[0], params[1]);
        const id = decodeURIComponent(params[2]);
        const workflowPath = /^\d+$/.test(id)
          ? pathOfWorkflow(repo, Number(id))
          : `.github/workflows/${id}`;
        if (!workflowPath || !(await onDefaultBranch(repo, workflowPath))) {
          throw new HttpError(404, 'Not Found', {
            documentation_url: `${DOCS}/actions/workflow-runs#list-workflow-runs-for-a-workflow`,
          });
        }
        const q = (name: string) => url.searchParams.get(name) ?? undefined;
        const status = q('status');
        const { perPage, page } = pageOf(url);
        const matching = (runs.get(repositoryKey(repo)) ?? [])
          .filter(
            r =>
              r.path === workflowPath &&
              (!q('branch') || r.branch === q('branch')) &&
              (!q('event') || r.event === q('event')) &&
              (!q('head_sha') || r.headSha === q('head_sha')) &&
              (!status ||
                (STATUSES.has(status)
                  ? r.status === status
                  : r.conclusion === status)),
          )
          .sort(
            (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id,
          );
        return json(200, {
          total_count: matching.length,
          workflow_runs: matching
            .slice((page - 1) * perPage, page * perPage)
            .map(r => runJson(repo, r)),
        });
      },
    },
  ];

  return { add, routes };
}
