export { startGitHubApiStandIn } from './gitHubApiStandIn';
export type { WorkflowRunSpec } from './workflowRuns';
export type { EnvironmentSpec } from './environments';
export type {
  GitHubApiStandIn,
  GitHubStandInRepository,
  RecordedPullRequest,
  RepositoryPermissions,
  UnhandledRequest,
} from './gitHubApiStandIn';
export { GitRepository } from './GitRepository';
export type { GitCommit, RepositoryFile } from './GitRepository';
