import {
  GitHubApiStandIn,
  startGitHubApiStandIn,
} from '@internal/test-servers';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import { Entity } from '@backstage/catalog-model';
import { renderedCi } from './__testUtils__/renderedCi';
import productionReadinessModuleScm from './index';

jest.setTimeout(60_000);

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
  };
}

describe('the scm module in a backend with the readiness plugin', () => {
  let standIn: GitHubApiStandIn;
  let backend: ReadinessTestBackend;

  beforeAll(async () => {
    standIn = await startGitHubApiStandIn({
      repositories: [
        {
          owner: 'acme',
          name: 'orders-api',
          files: { '.github/workflows/ci.yaml': renderedCi().github },
        },
        { owner: 'acme', name: 'scripts', files: { 'run.sh': 'echo hi\n' } },
      ],
    });
    await standIn.addWorkflowRun('acme', 'orders-api', {
      workflow: '.github/workflows/ci.yaml',
    });
    const at = (repo: string) =>
      `url:https://${standIn.host}/acme/${repo}/tree/main/`;
    backend = await startReadinessTestBackend({
      features: [productionReadinessModuleScm],
      entities: [
        // Registered from its repository, as the catalog annotates it.
        component('orders-api', {
          'backstage.io/managed-by-location': `url:https://${standIn.host}/acme/orders-api/blob/main/catalog-info.yaml`,
          'backstage.io/source-location': at('orders-api'),
        }),
        // Registered elsewhere, pointing at orders-api's repository.
        component('copycat-api', {
          'backstage.io/managed-by-location':
            'url:https://github.com/acme/catalog/blob/main/all.yaml',
          'backstage.io/source-location': at('orders-api'),
        }),
        component('scripts', { 'backstage.io/source-location': at('scripts') }),
      ],
      // The backend's UrlReader reads GitHub with the integration's token.
      rootConfig: { integrations: { github: [standIn.integrationConfig] } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await standIn?.stop();
  });

  const results = async (name: string) => {
    const { results: all } = await backend.refresh(`component:default/${name}`);
    return Object.fromEntries(all.map(r => [r.checkId, r]));
  };

  it("reads repositories and workflow runs through the backend's UrlReader and the integration's token", async () => {
    const orders = await results('orders-api');
    expect(orders['delivery.pipeline-defined']).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        /^Tests \(\.github\/workflows\/ci\.yaml: test\)/,
      ),
    });
    expect(orders['delivery.pipeline-green']).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        /^Latest runs on main succeeded: \.github\/workflows\/ci\.yaml run #1 /,
      ),
    });
    expect(orders['delivery.artifacts-pinned']).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining(
        'ghcr.io/acme/orders-api:${{ github.sha }}',
      ),
    });
    const scripts = await results('scripts');
    expect(scripts['delivery.pipeline-defined']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^No CI definition in /),
    });
    expect(scripts['delivery.pipeline-green']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^No GitHub Actions workflow of /),
    });
    // Nothing deploys, and no Kubernetes module reads what runs: not a pass.
    expect(scripts['delivery.artifacts-pinned']).toMatchObject({
      status: 'unknown',
      summary: expect.stringMatching(/^No image to judge: /),
    });
    expect(standIn.unhandledRequests).toEqual([]);
  });

  it("lends a repository's pipeline to no entity that only points at it", async () => {
    const copycat = await results('copycat-api');
    for (const checkId of [
      'delivery.pipeline-defined',
      'delivery.pipeline-green',
      'delivery.artifacts-pinned',
    ]) {
      expect(copycat[checkId]).toMatchObject({
        status: 'fail',
        summary: expect.stringMatching(
          /^Evidence not bound to this entity: repository https:\/\/127\.0\.0\.1:\d+\/acme\/orders-api\/tree\/main \(selected by backstage\.io\/source-location=url:.+\) is also claimed by component:default\/orders-api/,
        ),
      });
    }
  });
});
