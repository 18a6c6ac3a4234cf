/*
 * The demo services' repositories: a GitHub API stand-in (real git repositories; GitHub itself
 * cannot be reached here) holding, for each demo service, what the service-with-blm template
 * renders for it, and one CI run on main. The demo catalog points at them with
 * `backstage.io/source-location: url:https://github.demo.example/acme/<service>/tree/main/`;
 * the GitHub integration of that host calls the stand-in (its apiBaseUrl), so the SCM module
 * reads them as it reads GitHub.
 */
import {
  GitHubApiStandIn,
  startGitHubApiStandIn,
} from '@internal/test-servers';
import {
  blmRenderInputSchema,
  renderBlmBundle,
} from '@production-readiness/plugin-scaffolder-backend-module-production-readiness';
import { z } from 'zod/v3';

/** The host the demo catalog's source locations name. */
export const DEMO_GIT_HOST = 'github.demo.example';

interface DemoRepository {
  name: string;
  owner: string;
  runtime: 'kubernetes' | 'vm';
  alertReceiver: string;
  onCall: string;
}

const REPOSITORIES: DemoRepository[] = [
  {
    name: 'orders-api',
    owner: 'team-orders',
    runtime: 'kubernetes',
    alertReceiver: 'team-orders',
    onCall: 'pagerduty:orders-primary',
  },
  {
    name: 'payments-api',
    owner: 'team-payments',
    runtime: 'kubernetes',
    alertReceiver: 'team-payments',
    onCall: 'pagerduty:payments-primary',
  },
  {
    name: 'inventory-api',
    owner: 'team-orders',
    runtime: 'kubernetes',
    alertReceiver: 'team-orders',
    onCall: 'pagerduty:orders-primary',
  },
  {
    name: 'ledger-api',
    owner: 'team-payments',
    runtime: 'kubernetes',
    alertReceiver: 'team-payments',
    onCall: 'pagerduty:payments-primary',
  },
  {
    name: 'invoice-batch',
    owner: 'team-payments',
    runtime: 'vm',
    alertReceiver: 'team-payments',
    onCall: 'pagerduty:payments-primary',
  },
];

/** The files the template renders for a demo service, as its repository holds them. */
function renderedRepository(repo: DemoRepository): Record<string, string> {
  const bundle = renderBlmBundle(
    blmRenderInputSchema(z).parse({
      name: repo.name,
      owner: `group:default/${repo.owner}`,
      system: 'webshop',
      lifecycle: 'production',
      runtime: repo.runtime,
      image: `ghcr.io/acme/${repo.name}`,
      alertReceiver: repo.alertReceiver,
      onCall: repo.onCall,
      runbookUrl: `https://runbooks.example.com/${repo.name}`,
      database: false,
      gitRepoUrl: `https://${DEMO_GIT_HOST}/acme/${repo.name}.git`,
    }),
  );
  return Object.fromEntries(bundle.map(f => [f.path, f.content]));
}

/**
 * Starts the stand-in with one repository per demo service and a successful run of its CI on
 * main an hour ago; returns it with the `integrations.github` entry for Backstage.
 */
export async function startDemoRepositories(): Promise<{
  github: GitHubApiStandIn;
  integration: { host: string; apiBaseUrl: string; token: string };
  repositories: string[];
}> {
  const github = await startGitHubApiStandIn();
  try {
    const anHourAgo = new Date(Date.now() - 3600_000).toISOString();
    for (const repo of REPOSITORIES) {
      await github.addRepository({
        owner: 'acme',
        name: repo.name,
        files: renderedRepository(repo),
      });
      await github.addWorkflowRun('acme', repo.name, {
        workflow: '.github/workflows/ci.yaml',
        createdAt: anHourAgo,
        updatedAt: anHourAgo,
      });
    }
  } catch (error) {
    await github.stop();
    throw error;
  }
  return {
    github,
    integration: {
      host: DEMO_GIT_HOST,
      apiBaseUrl: github.apiBaseUrl,
      token: github.token,
    },
    repositories: REPOSITORIES.map(r => `acme/${r.name}`),
  };
}
