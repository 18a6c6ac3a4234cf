import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { GitHubActionsRuns } from './GitHubActionsRuns';
import { GitHubEnvironments } from './GitHubEnvironments';

/** The GitHub readers of the module, on app-config's integrations and their credentials. */
export function gitHubReaders(config: Config): {
  runs: GitHubActionsRuns;
  environments: GitHubEnvironments;
} {
  const integrations = ScmIntegrations.fromConfig(config);
  const credentials =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  return {
    runs: new GitHubActionsRuns(integrations, credentials),
    environments: new GitHubEnvironments(integrations, credentials),
  };
}
