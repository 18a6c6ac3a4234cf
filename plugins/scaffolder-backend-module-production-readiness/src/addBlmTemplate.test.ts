/*
 * templates/add-blm-to-service run as real scaffolder tasks (not dry runs) through the real
 * scaffolder backend, its GitHub module and this module, against a loopback stand-in of the
 * GitHub Enterprise API whose repositories are real git repositories: `fetch:plain` reads the
 * repository through Backstage's GithubUrlReader (tarball from `git archive`), and
 * `publish:github:pull-request` writes blobs, a tree, a commit and a branch with octokit, which
 * the stand-in applies with git plumbing. The pull request is then read back with git.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import {
  GitHubApiStandIn,
  GitRepository,
  startGitHubApiStandIn,
} from '@internal/test-servers';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { z } from 'zod/v3';
import { scaffolderModuleProductionReadiness } from './module';
import { blmRenderInputSchema } from './render/blmOptions';
import { renderBlmBundle } from './render/renderBlmBundle';

jest.setTimeout(180_000);

const execFileAsync = promisify(execFile);
const TEMPLATE_FILE = path.resolve(
  __dirname,
  '../../../templates/add-blm-to-service/template.yaml',
);
const PR_BRANCH = 'production-readiness/add-blm';
const OWNER = 'acme';

/** What the template form sends (its defaults filled in, as the frontend does). */
function formValues(repo: string, host: string) {
  return {
    repoUrl: `${host}?owner=${OWNER}&repo=${repo}`,
    branch: 'main',
    name: 'orders-api',
    owner: 'group:default/team-orders',
    image: 'ghcr.io/acme/orders-api',
    pieces: ['catalog', 'kubernetes', 'monitoring', 'backup', 'docs', 'ci'],
    alertReceiver: 'team-orders',
    onCall: 'pagerduty:P123ABC',
    runbookUrl:
      'https://backstage.example.com/docs/default/component/orders-api/runbook/',
    sloAvailability: 99.9,
    logStoreType: 'victorialogs',
    logStoreUrl: 'http://victorialogs.logging.svc:9428',
    logRetention: '30d',
    database: true,
    backupLocation: 'main',
    backupMethod: 'incremental',
    rpo: '24h',
    rto: '2h',
  };
}

/** The bundle the template's render step produces for these form values. */
function renderedBundle(values: ReturnType<typeof formValues>) {
  const { repoUrl, branch: _b, ...inputs } = values;
  // As the template's render step computes it from repoUrl.
  const url = new URL(`https://${repoUrl}`);
  const gitRepoUrl = `https://${url.host}/${url.searchParams.get(
    'owner',
  )}/${url.searchParams.get('repo')}.git`;
  return renderBlmBundle(
    blmRenderInputSchema(z).parse({ ...inputs, gitRepoUrl }),
  );
}

/** Makes a rendered YAML file look hand-maintained, so it differs from what the template renders. */
function handEdited(content: string, change?: (doc: any) => void): string {
  const docs = parseAllDocuments(content).map(d => d.toJS());
  if (change) docs.forEach(change);
  return `# Maintained by team-orders; edited by hand.\n${docs
    .map(d => stringify(d, { indent: 4 }))
    .join('---\n')}`;
}

const DOCKERFILE =
  'FROM node:22-bookworm-slim\nUSER 10001\nCOPY . /app\nCMD ["node", "/app/server.js"]\n';
// A few bytes that are not UTF-8, to see binary content survive the round trip.
const LOGO = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0xfe,
]);

interface TaskEvent {
  type: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    output?: { links?: Array<{ title: string; url: string }>; text?: any[] };
    error?: { name?: string; message?: string };
  };
}

interface TaskRun {
  status: string;
  events: TaskEvent[];
  /** Every log and completion message, one per line, for assertions and failure output. */
  log: string;
  output?: TaskEvent['body']['output'];
  stepStatus: Record<string, string | undefined>;
}

describe('template add-blm-to-service (real tasks through the scaffolder)', () => {
  let standIn: GitHubApiStandIn;
  let baseUrl: string;
  let stopBackend: () => Promise<void>;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'add-blm-test-'));

  beforeAll(async () => {
    standIn = await startGitHubApiStandIn();
    const template = parseYaml(
      fs.readFileSync(TEMPLATE_FILE, 'utf8'),
    ) as Entity;
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubModule,
        scaffolderModuleProductionReadiness,
        catalogServiceMock.factory({ entities: [template] }),
        mockServices.rootConfig.factory({
          data: {
            integrations: { github: [standIn.integrationConfig] },
            scaffolder: {
              defaultAuthor: {
                name: 'Backstage Scaffolder',
                email: 'scaffolder@example.com',
              },
            },
          },
        }),
      ],
    });
    baseUrl = `http://127.0.0.1:${backend.server.port()}/api/scaffolder`;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    await standIn?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  afterEach(() => {
    // Every call the clients made must be one the stand-in implements, or the test fails.
    const unhandled = standIn.unhandledRequests.splice(0);
    if (unhandled.length) {
      throw new Error(
        `Calls the GitHub stand-in does not implement: ${JSON.stringify(
          unhandled,
        )}`,
      );
    }
  });

  async function runTask(values: Record<string, unknown>): Promise<TaskRun> {
    const headers = {
      'content-type': 'application/json',
      authorization: mockCredentials.user.header(),
    };
    const created = await fetch(`${baseUrl}/v2/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        templateRef: 'template:default/add-blm-to-service',
        values,
      }),
    });
    const createdBody = await created.json();
    if (created.status !== 201) {
      throw new Error(
        `Task not created: ${created.status} ${JSON.stringify(createdBody)}`,
      );
    }
    const taskId: string = createdBody.id;
    const deadline = Date.now() + 120_000;
    let status = 'open';
    while (!['completed', 'failed', 'cancelled'].includes(status)) {
      if (Date.now() > deadline) {
        throw new Error(`Task ${taskId} still ${status} after 120 s`);
      }
      await new Promise(resolve => setTimeout(resolve, 200));
      const task = await fetch(`${baseUrl}/v2/tasks/${taskId}`, { headers });
      status = (await task.json()).status;
    }
    const events: TaskEvent[] = await (
      await fetch(`${baseUrl}/v2/tasks/${taskId}/events`, { headers })
    ).json();
    const stepStatus: Record<string, string | undefined> = {};
    for (const event of events) {
      if (event.body.stepId && event.body.status) {
        stepStatus[event.body.stepId] = event.body.status;
      }
    }
    return {
      status,
      events,
      log: events
        .map(e =>
          [e.body.message, e.body.error?.message].filter(Boolean).join(' '),
        )
        .join('\n'),
      output: events.find(e => e.type === 'completion')?.body.output,
      stepStatus,
    };
  }

  function expectCompleted(run: TaskRun) {
    if (run.status !== 'completed') {
      throw new Error(`Task ${run.status}; its log:\n${run.log}`);
    }
  }

  async function gitText(repo: GitRepository, args: string[]) {
    return (await repo.git(args)).toString('utf8').trim();
  }

  it('opens a pull request that adds only the missing pieces and leaves existing files alone', async () => {
    const values = formValues('orders-api', standIn.host);
    const bundle = renderedBundle(values);
    const rendered = (file: string) =>
      bundle.find(f => f.path === file)!.content;
    const existing: Record<string, string | Buffer> = {
      'catalog-info.yaml': handEdited(rendered('catalog-info.yaml')),
      // A single replica without a readiness probe: what the validator rejects in new files,
      // but the repository's own files are not this template's to fix.
      'deploy/kubernetes/deployment.yaml': handEdited(
        rendered('deploy/kubernetes/deployment.yaml'),
        d => {
          d.spec.replicas = 1;
          delete d.spec.template.spec.containers[0].readinessProbe;
        },
      ),
      Dockerfile: DOCKERFILE,
      'server.js': 'require("http").createServer().listen(8080);\n',
      'assets/logo.png': LOGO,
      '.gitignore': 'node_modules/\n',
    };
    const { headSha: baseSha } = await standIn.addRepository({
      owner: OWNER,
      name: 'orders-api',
      files: {
        ...existing,
        'scripts/start.sh': {
          content: '#!/bin/sh\nexec node server.js\n',
          executable: true,
        },
      },
    });
    const git = standIn.gitRepository(OWNER, 'orders-api');

    const run = await runTask(values);
    expectCompleted(run);

    // One pull request, from the template's branch into the default branch.
    expect(standIn.pullRequests).toHaveLength(1);
    const [pr] = standIn.pullRequests;
    expect(pr).toMatchObject({
      owner: OWNER,
      repo: 'orders-api',
      state: 'open',
      title: 'Add backup, logging and monitoring',
      head: { ref: PR_BRANCH },
      base: { ref: 'main', sha: baseSha },
    });
    expect(run.output?.links).toEqual([
      { title: 'Pull request', url: pr.htmlUrl },
    ]);
    expect(run.output?.text ?? []).toEqual([]);

    // The real clients took the routes GitHub serves: readTree's status + tarball (through
    // the codeload redirect), then the pull request plugin's Git database calls.
    const repoApi = `/api/v3/repos/${OWNER}/orders-api`;
    expect(
      standIn.requests.map(r => `${r.method} ${r.path} ${r.status}`),
    ).toEqual(
      expect.arrayContaining([
        `GET ${repoApi}/commits/main/status 200`,
        `GET ${repoApi}/tarball/${baseSha} 302`,
        expect.stringMatching(
          /^GET \/_codeload\/acme\/orders-api\/legacy\.tar\.gz\/[0-9a-f]{40} 200$/,
        ),
        `GET ${repoApi} 200`,
        `GET ${repoApi}/commits 200`,
        `POST ${repoApi}/git/blobs 201`,
        `POST ${repoApi}/git/trees 201`,
        `POST ${repoApi}/git/commits 201`,
        'POST /api/graphql 200',
        `POST ${repoApi}/git/refs 201`,
        `POST ${repoApi}/pulls 201`,
      ]),
    );

    // The branch holds one commit on top of the default branch.
    expect(await gitText(git, ['rev-parse', `refs/heads/${PR_BRANCH}`])).toBe(
      pr.head.sha,
    );
    expect(await gitText(git, ['rev-parse', 'refs/heads/main'])).toBe(baseSha);
    expect(
      await gitText(git, [
        'rev-list',
        '--parents',
        `${baseSha}..${pr.head.sha}`,
      ]),
    ).toBe(`${pr.head.sha} ${baseSha}`);
    expect(
      await gitText(git, ['show', '-s', '--format=%an <%ae>%n%s', pr.head.sha]),
    ).toBe(
      'Backstage Scaffolder <scaffolder@example.com>\nAdd backup, logging and monitoring',
    );

    // Only additions: every existing file keeps its bytes and mode.
    const changes = (
      await gitText(git, [
        'diff-tree',
        '-r',
        '--no-commit-id',
        '--name-status',
        baseSha,
        pr.head.sha,
      ])
    )
      .split('\n')
      .map(line => line.split('\t'));
    expect(changes.filter(([status]) => status !== 'A')).toEqual([]);
    for (const [file, content] of Object.entries(existing)) {
      expect(await git.git(['show', `${pr.head.sha}:${file}`])).toEqual(
        Buffer.isBuffer(content) ? content : Buffer.from(content),
      );
    }
    expect(
      await gitText(git, ['ls-tree', pr.head.sha, 'scripts/start.sh']),
    ).toMatch(/^100755 blob /);

    // What was added is exactly the rendered files the repository lacked.
    const added = changes.map(([, file]) => file).sort();
    const expectedNew = bundle
      .map(f => f.path)
      .filter(file => !(file in existing))
      .sort();
    expect(added).toEqual(expectedNew);
    expect(added).toEqual(
      expect.arrayContaining([
        'deploy/kubernetes/pdb.yaml',
        'deploy/kubernetes/log-shipping.yaml',
        'monitoring/rules.yaml',
        'monitoring/rules.test.yaml',
        'deploy/kubernetes/backup/backup-cronjob.yaml',
        'deploy/kubernetes/backup/restore-test-cronjob.yaml',
        'docs/runbook.md',
        'docs/backup-and-restore.md',
        '.github/workflows/ci.yaml',
        'deploy/argocd/application.yaml',
      ]),
    );
    // The Application the repository lacked deploys this repository's deploy/kubernetes.
    expect(
      parseYaml(
        (
          await git.git([
            'show',
            `${pr.head.sha}:deploy/argocd/application.yaml`,
          ])
        ).toString('utf8'),
      ),
    ).toMatchObject({
      kind: 'Application',
      metadata: { name: 'orders-api', namespace: 'argocd' },
      spec: {
        source: {
          repoURL: `https://${
            new URL(`https://${values.repoUrl}`).host
          }/${OWNER}/orders-api.git`,
          path: 'deploy/kubernetes',
        },
        syncPolicy: { automated: { selfHeal: true } },
      },
    });
    for (const file of added) {
      expect({
        file,
        content: (await git.git(['show', `${pr.head.sha}:${file}`])).toString(
          'utf8',
        ),
      }).toEqual({ file, content: rendered(file) });
    }

    // The generated rules pass the real promtool, as read back from the pull request's commit.
    const checkout = path.join(scratch, 'orders-api');
    fs.mkdirSync(path.join(checkout, 'monitoring'), { recursive: true });
    for (const file of [
      'monitoring/rules.yaml',
      'monitoring/rules.test.yaml',
    ]) {
      fs.writeFileSync(
        path.join(checkout, file),
        await git.git(['show', `${pr.head.sha}:${file}`]),
      );
    }
    const checked = await execFileAsync(
      'promtool',
      ['check', 'rules', 'monitoring/rules.yaml'],
      { cwd: checkout },
    );
    expect(checked.stdout).toContain('SUCCESS');
    const tested = await execFileAsync(
      'promtool',
      ['test', 'rules', 'rules.test.yaml'],
      { cwd: path.join(checkout, 'monitoring') },
    );
    expect(tested.stdout).toContain('SUCCESS');

    // The description names the missing pieces (catalog was present) and the new files.
    expect(pr.body).toContain(
      'pieces this service was missing\n(kubernetes, monitoring, backup, docs, ci)',
    );
    expect(pr.body).toContain('New files: ');
    for (const file of expectedNew) {
      expect(pr.body).toContain(file);
    }
    expect(pr.body).not.toContain('catalog-info.yaml');
  });

  it('adds an Ansible role to a service that runs on VMs, checked by the real ansible-playbook', async () => {
    const values = {
      ...formValues('invoice-batch', standIn.host),
      runtime: 'vm',
      logMaxSize: '50M',
      database: false,
      backupLocation: undefined,
      pieces: ['kubernetes', 'ansible', 'monitoring', 'ci'],
    };
    const { headSha: baseSha } = await standIn.addRepository({
      owner: OWNER,
      name: 'invoice-batch',
      files: { Dockerfile: DOCKERFILE, 'server.js': 'console.log("ok");\n' },
    });
    const git = standIn.gitRepository(OWNER, 'invoice-batch');

    const run = await runTask(values);
    expectCompleted(run);
    expect(run.log).toMatch(
      /BLM bundle valid: \d+ files, promtool (ran|not found), ansible ran/,
    );
    const pr = standIn.pullRequests.find(p => p.repo === 'invoice-batch')!;
    const added = (
      await gitText(git, [
        'diff-tree',
        '-r',
        '--no-commit-id',
        '--name-only',
        baseSha,
        pr.head.sha,
      ])
    ).split('\n');
    // The role, and no Kubernetes manifest: the kubernetes piece has nothing for VMs.
    expect(added.filter(f => f.startsWith('deploy/')).sort()).toEqual([
      'deploy/ansible/inventory.example.ini',
      'deploy/ansible/playbook.yml',
      'deploy/ansible/roles/orders-api/defaults/main.yml',
      'deploy/ansible/roles/orders-api/handlers/main.yml',
      'deploy/ansible/roles/orders-api/tasks/main.yml',
      'deploy/ansible/roles/orders-api/templates/logrotate.j2',
      'deploy/ansible/roles/orders-api/templates/otelcol.yaml.j2',
      'deploy/ansible/roles/orders-api/templates/service.j2',
    ]);
    expect(
      parseYaml(
        (
          await git.git([
            'show',
            `${pr.head.sha}:deploy/ansible/roles/orders-api/defaults/main.yml`,
          ])
        ).toString('utf8'),
      ),
    ).toMatchObject({ log_max_size: '50M' });
    expect(
      (
        await git.git(['show', `${pr.head.sha}:monitoring/rules.yaml`])
      ).toString('utf8'),
    ).toContain('OrdersApiHostDiskWillFill');
  });

  it('completes without a branch or pull request when nothing is missing', async () => {
    const values = formValues('billing-api', standIn.host);
    const files: Record<string, string> = { Dockerfile: DOCKERFILE };
    for (const file of renderedBundle(values)) {
      files[file.path] = file.content;
    }
    const { headSha } = await standIn.addRepository({
      owner: OWNER,
      name: 'billing-api',
      files,
    });
    const git = standIn.gitRepository(OWNER, 'billing-api');
    const writesBefore = standIn.requests.filter(
      r => r.method !== 'GET',
    ).length;

    const run = await runTask(values);
    expectCompleted(run);

    expect(run.stepStatus).toMatchObject({
      read: 'completed',
      blm: 'completed',
      validate: 'completed',
      pr: 'skipped',
    });
    expect(run.log).toContain('Rendered 0 BLM files for orders-api');
    expect(run.output?.links ?? []).toEqual([]);
    expect(run.output?.text).toEqual([
      expect.objectContaining({ title: 'Nothing to add' }),
    ]);
    // Nothing was written to GitHub.
    expect(standIn.pullRequests.filter(p => p.repo === 'billing-api')).toEqual(
      [],
    );
    expect(standIn.requests.filter(r => r.method !== 'GET').length).toBe(
      writesBefore,
    );
    expect(await gitText(git, ['for-each-ref', '--format=%(refname)'])).toBe(
      'refs/heads/main',
    );
    expect(await gitText(git, ['rev-parse', 'refs/heads/main'])).toBe(headSha);
  });

  it('fails with a message naming the repository when it does not exist', async () => {
    const pullRequestsBefore = standIn.pullRequests.length;
    const run = await runTask(formValues('no-such-repo', standIn.host));

    expect(run.status).toBe('failed');
    expect(run.stepStatus).toEqual({
      read: 'failed',
      blm: 'skipped',
      validate: 'skipped',
      pr: 'skipped',
    });
    expect(run.log).toContain(
      `Request failed for ${standIn.apiBaseUrl}/repos/${OWNER}/no-such-repo/commits/main/status?per_page=0, 404 Not Found`,
    );
    expect(standIn.pullRequests).toHaveLength(pullRequestsBefore);
  });
});
