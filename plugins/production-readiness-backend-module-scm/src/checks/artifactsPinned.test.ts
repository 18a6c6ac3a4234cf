import { DeployedImagesFacts } from '@production-readiness/plugin-production-readiness-node';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { renderedCi } from '../__testUtils__/renderedCi';
import {
  edited,
  ORDERS_API,
  repositoryFacts,
} from '../__testUtils__/repositoryFacts';
import { createArtifactsPinnedCheck } from './artifactsPinned';

const GITHUB = '.github/workflows/ci.yaml';
const GITLAB = '.gitlab-ci.yml';

function judge(
  files: Record<string, string>,
  options: { allowedRegistries?: string[]; running?: string[] } = {},
) {
  const running: DeployedImagesFacts | undefined = options.running && {
    containers: options.running.map((image, i) => ({
      workload: `Deployment shop/orders-api on cluster prod-eu`,
      container: `c${i}`,
      image,
      source: 'kubernetes:prod-eu',
    })),
  };
  return runCheckOnFixtures(
    createArtifactsPinnedCheck({
      allowedRegistries: options.allowedRegistries,
    }),
    {
      entity: ORDERS_API,
      facts: {
        scm: repositoryFacts(files),
        ...(running && { 'deployed-images': running }),
      },
      now: new Date('2026-12-06T12:00:00Z'),
    },
  );
}

/** The template's deploy step with its image replaced. */
function deployingGitHub(image: string) {
  return edited(renderedCi().github, doc => {
    const step = doc.jobs.deploy.steps.find((s: any) => s.name === 'Deploy');
    step.run = step.run.replace(
      /--kustomize-image "ghcr\.io\/acme\/orders-api=[^"]+"/,
      `--kustomize-image "ghcr.io/acme/orders-api=${image}"`,
    );
  });
}

describe('delivery.artifacts-pinned', () => {
  const ci = renderedCi();

  it("passes the template's deploy steps: the commit built, in GitHub Actions and GitLab CI, the rollback's variable aside", async () => {
    const github = await judge(
      { [GITHUB]: ci.github },
      { allowedRegistries: ['ghcr.io/acme'] },
    );
    expect(github).toMatchObject({
      status: 'pass',
      summary:
        '1 image reference(s) pinned and from allowed registries: ghcr.io/acme/orders-api:${{ github.sha }}',
    });
    expect(github.evidence).toEqual([
      {
        label:
          '.github/workflows/ci.yaml job deploy (argocd app set --kustomize-image)',
        value: 'ghcr.io/acme/orders-api:${{ github.sha }}',
        source: 'https://github.com/acme/orders-api/tree/main/',
      },
    ]);
    // GitLab: `$IMAGE` comes from the file's variables.
    expect(await judge({ [GITLAB]: ci.gitlab })).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        /^1 image reference\(s\) pinned \(registries not checked: .*\): ghcr\.io\/acme\/orders-api:\$CI_COMMIT_SHA$/,
      ),
    });
  });

  it('fails a deploy of latest, a branch name or a moving tag, and an image from another registry', async () => {
    for (const [image, reason] of [
      ['ghcr.io/acme/orders-api:latest', 'tag latest'],
      ['ghcr.io/acme/orders-api', 'no tag (latest)'],
      ['ghcr.io/acme/orders-api:${{ github.ref_name }}', 'is a branch name'],
      ['ghcr.io/acme/orders-api:v2', 'is not a full version'],
    ]) {
      const result = await judge({ [GITHUB]: deployingGitHub(image) });
      expect(result.status).toBe('fail');
      expect(result.summary).toContain(reason);
    }
    const elsewhere = await judge(
      { [GITHUB]: deployingGitHub('docker.io/someone/orders-api:1.4.2') },
      { allowedRegistries: ['ghcr.io/acme'] },
    );
    expect(elsewhere).toMatchObject({
      status: 'fail',
      summary:
        'Unpinned or disallowed images: .github/workflows/ci.yaml job deploy (argocd app set --kustomize-image): docker.io/someone/orders-api:1.4.2 is not from an allowed registry (ghcr.io/acme)',
    });
  });

  it('judges what the workloads run too: a pinned deploy does not hide a running latest', async () => {
    const result = await judge(
      { [GITHUB]: ci.github },
      { running: ['ghcr.io/acme/orders-api:1.4.2', 'nginx'] },
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Unpinned or disallowed images: Deployment shop/orders-api on cluster prod-eu container c1: nginx (no tag (latest))',
    });
  });

  it('is unknown where the file does not show the tag, or nothing names an image', async () => {
    const fromSettings = edited(ci.gitlab, doc => {
      doc.variables.IMAGE = 'ghcr.io/acme/orders-api:$RELEASE';
    });
    expect(await judge({ [GITLAB]: fromSettings })).toMatchObject({
      status: 'unknown',
      summary:
        'Cannot tell whether every image is pinned: .gitlab-ci.yml job deploy (argocd app set --kustomize-image): ghcr.io/acme/orders-api:$RELEASE (tag $RELEASE is set by $RELEASE, whose value the file does not show)',
    });
    // A variable named like an object's property is still just an unknown variable.
    const prototypeName = edited(ci.github, doc => {
      const step = doc.jobs.deploy.steps.find(
        (st: any) => st.name === 'Deploy',
      );
      step.run =
        'kubectl set image deployment/orders-api app=ghcr.io/acme/orders-api:$constructor';
    });
    expect(await judge({ [GITHUB]: prototypeName })).toMatchObject({
      status: 'unknown',
      summary: expect.stringContaining(
        'tag $constructor is set by $constructor',
      ),
    });
    const applyOnly = edited(ci.github, doc => {
      const step = doc.jobs.deploy.steps.find((s: any) => s.name === 'Deploy');
      step.run = 'kubectl apply -k deploy/production';
    });
    expect(await judge({ [GITHUB]: applyOnly })).toMatchObject({
      status: 'unknown',
      summary: expect.stringContaining(
        'No image to judge: the production deploy jobs of https://github.com/acme/orders-api/tree/main/ set none in their commands, and no running workload was read',
      ),
    });
  });

  it('reads kubectl set image, kustomize edit set image, helm --set image.tag and ansible-playbook -e …_image', async () => {
    const deploying = (run: string) =>
      edited(ci.github, doc => {
        const step = doc.jobs.deploy.steps.find(
          (s: any) => s.name === 'Deploy',
        );
        step.run = run;
        step.env = { ...step.env, TAG: '1.4.2' };
      });
    for (const [run, via] of [
      [
        'kubectl -n shop set image deployment/orders-api app=ghcr.io/acme/orders-api:${{ env.TAG }}',
        'kubectl set image',
      ],
      [
        'cd deploy && kustomize edit set image ghcr.io/acme/orders-api=ghcr.io/acme/orders-api:$TAG && kubectl apply -k .',
        'kustomize edit set image',
      ],
      [
        'helm upgrade --install orders-api ./chart --set image.tag=$TAG --wait',
        'helm --set image.tag',
      ],
    ]) {
      const result = await judge({ [GITHUB]: deploying(run) });
      expect(result.status).toBe('pass');
      expect(result.evidence?.[0].label).toBe(
        `.github/workflows/ci.yaml job deploy (${via})`,
      );
    }
    // The template's deploy of a service on VMs: its Ansible role with the new image.
    const vm = await judge({
      [GITHUB]: deploying(
        'ansible-playbook -i deploy/ansible/inventory.ini deploy/ansible/playbook.yml -e service_image="ghcr.io/acme/orders-api:${{ github.sha }}"',
      ),
    });
    expect(vm.status).toBe('pass');
    expect(vm.evidence?.[0].label).toBe(
      '.github/workflows/ci.yaml job deploy (ansible-playbook -e service_image)',
    );
    expect(
      (
        await judge({
          [GITHUB]: deploying(
            'helm upgrade --install orders-api ./chart --set-string image.tag=main',
          ),
        })
      ).status,
    ).toBe('fail');
  });
});
