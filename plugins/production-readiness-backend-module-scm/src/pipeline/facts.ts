import { PipelineDefinition } from './types';

/** Id of the repository collector; checks read its facts with `ctx.facts(SCM_COLLECTOR_ID)`. */
export const SCM_COLLECTOR_ID = 'scm';

/** What the entity's repository holds of its delivery pipeline. */
export interface ScmFacts {
  /**
   * The repository read: the root of `backstage.io/source-location`'s repository at its branch
   * (where CI definitions live), without the `url:` prefix.
   */
  sourceLocation: string;
  defaultBranch: string;
  /** Every CI definition found: `.github/workflows/*.y(a)ml` and `.gitlab-ci.yml`. */
  pipelines: PipelineDefinition[];
  /** The commit read (the default branch's head), when the reader reports it. */
  commit?: string;
  /**
   * Latest run of each workflow that runs on pushes to the default branch; absent when the
   * module reads no run results.
   */
  runs?: RunsFacts;
  /**
   * Deployment environments with their protection rules (GitHub), read when a workflow deploys
   * to one; absent when none does or the module reads none.
   */
  environments?: EnvironmentsFacts;
}

/** The latest completed run of a workflow that decided something (not cancelled or skipped). */
export interface LatestRun {
  id: number;
  runNumber: number;
  /** `success`, `failure`, `timed_out`, `action_required`, `startup_failure` … */
  conclusion: string;
  headSha: string;
  /** The run's page. */
  url: string;
  /** ISO 8601: when the run last changed (finished). */
  finishedAt: string;
}

/** What the CI service reports of one workflow on the default branch. */
export interface WorkflowRuns {
  /** Path of the workflow in the repository. */
  file: string;
  /** Absent when the workflow never completed a run that decided something. */
  latest?: LatestRun;
  /** Cancelled or skipped runs newer than `latest`. */
  undecided?: number;
  /** Why this workflow's runs could not be listed. */
  error?: string;
}

/** Run results of the repository's workflows, or why they could not be read. */
export type RunsFacts =
  | { state: 'read'; workflows: WorkflowRuns[] }
  | { state: 'unavailable'; reason: string };

/** A deployment environment of the repository and what a deployment to it waits for. */
export interface DeploymentEnvironment {
  name: string;
  /** Users or teams whose approval a deployment waits for (GitHub `required_reviewers`). */
  reviewers: string[];
}

/** The repository's deployment environments, or why they could not be read. */
export type EnvironmentsFacts =
  | { state: 'read'; environments: DeploymentEnvironment[] }
  | { state: 'unavailable'; reason: string };
