import { Entity } from '@backstage/catalog-model';
import { parse, stringify } from 'yaml';
import { ScmFacts } from '../pipeline/facts';
import { parseGitHubWorkflow, parseGitLabCi } from '../pipeline/parsePipeline';

/** A production service whose repository is on github.com. */
export const ORDERS_API: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-api',
    namespace: 'default',
    annotations: {
      'backstage.io/source-location':
        'url:https://github.com/acme/orders-api/tree/main/',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
};

/** The facts the SCM collector reads from a repository holding these CI files. */
export function repositoryFacts(files: Record<string, string>): ScmFacts {
  return {
    sourceLocation: 'https://github.com/acme/orders-api/tree/main/',
    defaultBranch: 'main',
    pipelines: Object.entries(files).map(([path, text]) =>
      path === '.gitlab-ci.yml'
        ? parseGitLabCi(path, text)
        : parseGitHubWorkflow(path, text, 'main'),
    ),
  };
}

/** A YAML file changed as a developer would edit it. */
export function edited(text: string, change: (doc: any) => void): string {
  const doc = parse(text);
  change(doc);
  return stringify(doc);
}
