export { startGitHubApiStandIn } from './gitHubApiStandIn';
export type { WorkflowRunSpec } from './workflowRuns';
export type {
  GitHubApiStandIn,
  GitHubStandInRepository,
  RecordedPullRequest,
  RepositoryPermissions,
  UnhandledRequest,
} from './gitHubApiStandIn';
export { GitRepository } from './GitRepository';
export type { GitCommit, RepositoryFile } from './GitRepository';
