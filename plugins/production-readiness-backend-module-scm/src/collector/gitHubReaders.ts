import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { GitHubActionsRuns } from './GitHubActionsRuns';
import { GitHubEnvironments } from './GitHubEnvironments';

/**
 * The readers of the module on app-config's integrations: GitHub runs and environments with the
 * integrations' credentials, and the integrations themselves (to find a repository's root).
 */
export function gitHubReaders(config: Config): {
  runs: GitHubActionsRuns;
  environments: GitHubEnvironments;
  integrations: ScmIntegrations;
} {
  const integrations = ScmIntegrations.fromConfig(config);
  const credentials =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  return {
    runs: new GitHubActionsRuns(integrations, credentials),
    environments: new GitHubEnvironments(integrations, credentials),
    integrations,
  };
}
