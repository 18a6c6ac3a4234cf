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
    const at = (repo: string) =>
      `url:https://${standIn.host}/acme/${repo}/tree/main/`;
    backend = await startReadinessTestBackend({
      features: [productionReadinessModuleScm],
      entities: [
        component('orders-api', {
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

  const pipelineResult = async (name: string) =>
    (await backend.refresh(`component:default/${name}`)).results.find(
      r => r.checkId === 'delivery.pipeline-defined',
    );

  it("reads repositories through the backend's UrlReader and judges their pipelines", async () => {
    expect(await pipelineResult('orders-api')).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        /^Tests \(\.github\/workflows\/ci\.yaml: test\)/,
      ),
    });
    expect(await pipelineResult('scripts')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^No CI definition in /),
    });
  });
});
