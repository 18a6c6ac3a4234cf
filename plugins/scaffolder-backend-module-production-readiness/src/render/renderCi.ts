import { stringify } from 'yaml';
import { RenderContext, RenderedFile } from './context';
import { argoCdDeploy, deploysWithArgoCd } from './renderArgoCd';

/** The Argo CD CLI the deploy jobs use, pinned. */
const ARGOCD_VERSION = 'v2.13.2';

/**
 * The deploy step of a service that runs on VMs: the generated Ansible role with the new
 * image, against the platform's inventory of the service's hosts.
 */
function ansibleDeploy(image: string): string {
  return [
    'apt-get update -qq && apt-get install -y -qq --no-install-recommends ansible-core openssh-client',
    `ansible-playbook -i deploy/ansible/inventory.ini deploy/ansible/playbook.yml -e service_image="${image}"`,
  ].join('\n');
}

/** Asks the Production Readiness gate; fails the job when the entity is not allowed. */
const GATE_SCRIPT = [
  'curl -sS --fail-with-body -H "Authorization: Bearer $BACKSTAGE_TOKEN" "$BACKSTAGE_URL/api/production-readiness/entities/$ENTITY_KIND/$ENTITY_NAMESPACE/$ENTITY_NAME/gate" > gate.json',
  `node -e 'const g = JSON.parse(require("fs").readFileSync("gate.json", "utf8")); console.log("level " + g.achievedLevel + ", required " + g.requiredLevel); for (const b of g.blocking) console.log("blocking: " + b.checkId + " (" + b.status + "): " + b.summary); process.exit(g.allowed ? 0 : 1);'`,
].join('\n');

/** The GitHub Actions deploy step's script: Ansible on VMs, Argo CD, or kubectl without it. */
function githubDeployScript(ctx: RenderContext): string {
  const { o } = ctx;
  const next = `${o.image}:\${{ github.sha }}`;
  if (o.runtime === 'vm') return ansibleDeploy(next);
  if (deploysWithArgoCd(ctx)) {
    return [
      `curl -sSfL -o argocd https://github.com/argoproj/argo-cd/releases/download/${ARGOCD_VERSION}/argocd-linux-amd64 && sudo install -m 0755 argocd /usr/local/bin/argocd`,
      argoCdDeploy(ctx, next),
    ].join('\n');
  }
  return [
    'cd deploy/kubernetes',
    `kustomize edit set image ${o.image}=${next}`,
    'kubectl apply -k .',
    `kubectl -n ${ctx.namespace} rollout status deployment/${o.name} --timeout=10m || (kubectl -n ${ctx.namespace} rollout undo deployment/${o.name} && exit 1)`,
  ].join('\n');
}

/** The GitLab CI deploy job, the same three ways. */
function gitlabDeployJob(ctx: RenderContext): Record<string, unknown> {
  const { o } = ctx;
  const common = {
    stage: 'deploy',
    environment: { name: 'production' },
    rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }],
  };
  if (o.runtime === 'vm') {
    return {
      ...common,
      image: 'debian:bookworm-slim',
      script: ansibleDeploy('$IMAGE').split('\n'),
    };
  }
  if (deploysWithArgoCd(ctx)) {
    return {
      ...common,
      image: {
        name: `quay.io/argoproj/argocd:${ARGOCD_VERSION}`,
        entrypoint: [''],
      },
      // ARGOCD_SERVER and ARGOCD_AUTH_TOKEN come from the project's CI/CD variables.
      variables: { ARGOCD_OPTS: '--grpc-web' },
      script: argoCdDeploy(ctx, '$IMAGE').split('\n'),
    };
  }
  return {
    ...common,
    image: { name: 'registry.k8s.io/kubectl:v1.31.0', entrypoint: [''] },
    script: [
      `kubectl apply -k deploy/kubernetes`,
      `kubectl -n ${ctx.namespace} set image deployment/${o.name} ${o.name}="$IMAGE"`,
      `kubectl -n ${ctx.namespace} rollout status deployment/${o.name} --timeout=10m || (kubectl -n ${ctx.namespace} rollout undo deployment/${o.name}; exit 1)`,
    ],
  };
}

export function renderCi(ctx: RenderContext): RenderedFile[] {
  const { o } = ctx;
  const image = `${o.image}`;
  const gateEnv = {
    ENTITY_KIND: 'component',
    ENTITY_NAMESPACE: 'default',
    ENTITY_NAME: o.name,
  };
  const github = {
    name: 'ci',
    on: { push: { branches: ['main'] }, pull_request: {} },
    permissions: {
      contents: 'read',
      packages: 'write',
      'security-events': 'write',
    },
    jobs: {
      test: {
        'runs-on': 'ubuntu-24.04',
        steps: [
          { uses: 'actions/checkout@v4' },
          {
            uses: 'actions/setup-node@v4',
            with: { 'node-version': 22, cache: 'npm' },
          },
          { run: 'npm ci' },
          { run: 'npm run lint' },
          { run: 'npm test' },
          {
            name: 'Prometheus rules',
            run: [
              'docker run --rm -v "$PWD/monitoring:/rules" --entrypoint promtool prom/prometheus:v2.53.0 check rules /rules/rules.yaml',
              'docker run --rm -v "$PWD/monitoring:/rules" -w /rules --entrypoint promtool prom/prometheus:v2.53.0 test rules rules.test.yaml',
            ].join('\n'),
          },
        ],
      },
      image: {
        needs: 'test',
        'runs-on': 'ubuntu-24.04',
        steps: [
          { uses: 'actions/checkout@v4' },
          {
            uses: 'docker/login-action@v3',
            with: {
              registry: image.split('/')[0],
              username: '${{ github.actor }}',
              password: '${{ secrets.GITHUB_TOKEN }}',
            },
          },
          {
            uses: 'docker/build-push-action@v6',
            with: {
              push: "${{ github.ref == 'refs/heads/main' }}",
              tags: `${image}:\${{ github.sha }}`,
            },
          },
          {
            name: 'Image scan',
            uses: 'aquasecurity/trivy-action@0.28.0',
            with: {
              'image-ref': `${image}:\${{ github.sha }}`,
              severity: 'HIGH,CRITICAL',
              'exit-code': '1',
              'ignore-unfixed': true,
            },
          },
        ],
      },
      'readiness-gate': {
        needs: 'image',
        if: "github.ref == 'refs/heads/main'",
        'runs-on': 'ubuntu-24.04',
        env: {
          ...gateEnv,
          BACKSTAGE_URL: '${{ vars.BACKSTAGE_URL }}',
          BACKSTAGE_TOKEN: '${{ secrets.BACKSTAGE_TOKEN }}',
        },
        steps: [{ name: 'Production Readiness gate', run: GATE_SCRIPT }],
      },
      deploy: {
        needs: 'readiness-gate',
        if: "github.ref == 'refs/heads/main'",
        'runs-on': 'ubuntu-24.04',
        environment: 'production',
        steps: [
          { uses: 'actions/checkout@v4' },
          {
            name: 'Deploy',
            ...(deploysWithArgoCd(ctx)
              ? {
                  env: {
                    ARGOCD_SERVER: '${{ vars.ARGOCD_SERVER }}',
                    ARGOCD_AUTH_TOKEN: '${{ secrets.ARGOCD_AUTH_TOKEN }}',
                    ARGOCD_OPTS: '--grpc-web',
                  },
                }
              : {}),
            run: githubDeployScript(ctx),
          },
        ],
      },
    },
  };
  const gitlab = {
    stages: ['test', 'build', 'scan', 'gate', 'deploy'],
    variables: { IMAGE: `${image}:$CI_COMMIT_SHA` },
    test: {
      stage: 'test',
      image: 'node:22-bookworm-slim',
      script: ['npm ci', 'npm run lint', 'npm test'],
    },
    'prometheus-rules': {
      stage: 'test',
      image: { name: 'prom/prometheus:v2.53.0', entrypoint: [''] },
      script: [
        'promtool check rules monitoring/rules.yaml',
        'cd monitoring && promtool test rules rules.test.yaml',
      ],
    },
    image: {
      stage: 'build',
      image: {
        name: 'gcr.io/kaniko-project/executor:v1.23.2-debug',
        entrypoint: [''],
      },
      script: [
        '/kaniko/executor --context "$CI_PROJECT_DIR" --destination "$IMAGE"',
      ],
    },
    'image-scan': {
      stage: 'scan',
      image: { name: 'aquasec/trivy:0.56.2', entrypoint: [''] },
      script: [
        'trivy image --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed "$IMAGE"',
      ],
    },
    'readiness-gate': {
      stage: 'gate',
      image: 'node:22-bookworm-slim',
      rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }],
      variables: gateEnv,
      before_script: ['apt-get update -qq && apt-get install -y -qq curl'],
      script: GATE_SCRIPT.split('\n'),
    },
    deploy: gitlabDeployJob(ctx),
  };
  const files: RenderedFile[] = [];
  if (o.ciProvider !== 'gitlab') {
    files.push({
      piece: 'ci',
      path: '.github/workflows/ci.yaml',
      content: stringify(github, { lineWidth: 0 }),
    });
  }
  if (o.ciProvider !== 'github') {
    files.push({
      piece: 'ci',
      path: '.gitlab-ci.yml',
      content: stringify(gitlab, { lineWidth: 0 }),
    });
  }
  return files;
}
