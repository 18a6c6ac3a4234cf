import { parse as parseYaml } from 'yaml';
import { z } from 'zod/v3';
import { serviceInput } from '../__testUtils__/inputs';
import { blmRenderInputSchema } from './blmOptions';
import { renderBlmBundle } from './renderBlmBundle';

const GIT = 'https://github.com/acme/orders-api.git';

function render(input: Record<string, unknown> = {}) {
  const files = renderBlmBundle(
    blmRenderInputSchema(z).parse({
      ...serviceInput,
      gitRepoUrl: GIT,
      ciProvider: 'both',
      ...input,
    }),
  );
  return (name: string) => files.find(f => f.path === name)?.content;
}

describe('renderArgoCd', () => {
  it('renders the Argo CD Application that deploys deploy/kubernetes with self-heal, and names it in the catalog', () => {
    const file = render();
    expect(parseYaml(file('deploy/argocd/application.yaml')!)).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'orders-api', namespace: 'argocd' },
      spec: {
        source: {
          repoURL: GIT,
          targetRevision: 'HEAD',
          path: 'deploy/kubernetes',
        },
        destination: { namespace: 'orders-api' },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });
    const component = parseYaml(file('catalog-info.yaml')!.split('---')[0]);
    expect(component.metadata.annotations['argocd/app-name']).toBe(
      'orders-api',
    );
  });

  it('deploys from CI through Argo CD, never with kubectl, and puts the previous image back on failure', () => {
    const file = render();
    const github = parseYaml(file('.github/workflows/ci.yaml')!);
    const step = github.jobs.deploy.steps[1];
    expect(step.env).toMatchObject({
      ARGOCD_SERVER: '${{ vars.ARGOCD_SERVER }}',
      ARGOCD_AUTH_TOKEN: '${{ secrets.ARGOCD_AUTH_TOKEN }}',
    });
    expect(step.run).toContain(
      'argocd app set orders-api --kustomize-image "ghcr.io/acme/orders-api=ghcr.io/acme/orders-api:${{ github.sha }}"',
    );
    expect(step.run).toContain(
      'argocd app wait orders-api --sync --health --timeout 600',
    );
    expect(step.run).toContain(
      'argocd app set orders-api --kustomize-image "$previous"',
    );
    const gitlab = parseYaml(file('.gitlab-ci.yml')!);
    expect(gitlab.deploy.script.join('\n')).toContain(
      'argocd app set orders-api --kustomize-image "ghcr.io/acme/orders-api=$IMAGE"',
    );
    for (const script of [step.run, gitlab.deploy.script.join('\n')]) {
      expect(script).not.toMatch(/kubectl (apply|set|edit|scale|patch)/);
    }
  });

  it('renders no Application without the repository URL, nor for VMs', () => {
    expect(
      render({ gitRepoUrl: undefined })('deploy/argocd/application.yaml'),
    ).toBeUndefined();
    expect(
      render({
        runtime: 'vm',
        database: false,
        backupLocation: undefined,
        patroniCluster: undefined,
      })('deploy/argocd/application.yaml'),
    ).toBeUndefined();
    expect(() =>
      blmRenderInputSchema(z).parse({
        ...serviceInput,
        gitRepoUrl: 'https://token@github.com/acme/orders-api.git',
      }),
    ).toThrow('must be an https clone URL without credentials');
  });
});
