/*
 * SCM module benchmark (a script, not a test): `yarn bench:scm [entities]`.
 *
 * A GitHub API stand-in (real git repositories) holding one repository per 10 services, each
 * with the service template's CI and a green run; `entities` services (default 500) name them
 * as source location. The module's collector reads them twice, as two refreshes do; prints
 * the upstream calls of each refresh by answer, and the wall time. Calls follow the number of
 * repositories, never the number of entities, and an unchanged fleet costs one commit lookup
 * plus 304s.
 */
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { startGitHubApiStandIn } from '@internal/test-servers';
import { gitHubReaders } from '../../plugins/production-readiness-backend-module-scm/src/collector/gitHubReaders';
import { ScmCollector } from '../../plugins/production-readiness-backend-module-scm/src/collector/ScmCollector';
import { renderedCi } from '../../plugins/production-readiness-backend-module-scm/src/__testUtils__/renderedCi';

const ENTITIES = Number(process.argv[2] ?? 500);
const SERVICES_PER_REPOSITORY = 10;

async function main() {
  const repositories = Math.ceil(ENTITIES / SERVICES_PER_REPOSITORY);
  const github = await startGitHubApiStandIn({ log: () => {} });
  try {
    const ci = renderedCi().github;
    const created = Date.now();
    for (let r = 0; r < repositories; r++) {
      await github.addRepository({
        owner: 'acme',
        name: `repo-${r}`,
        files: { '.github/workflows/ci.yaml': ci },
      });
      await github.addWorkflowRun('acme', `repo-${r}`, {
        workflow: '.github/workflows/ci.yaml',
      });
    }
    const createMs = Date.now() - created;
    const entity = (i: number): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `service-${i}`,
        namespace: 'default',
        annotations: {
          'backstage.io/source-location': `url:https://${
            github.host
          }/acme/repo-${Math.floor(
            i / SERVICES_PER_REPOSITORY,
          )}/tree/main/services/service-${i}/`,
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    });
    const config = new ConfigReader({
      integrations: { github: [github.integrationConfig] },
    });
    const collector = new ScmCollector(
      UrlReaders.default({
        config,
        logger: mockServices.rootLogger({ level: 'none' }) as LoggerService,
      }),
      { concurrency: 4, ...gitHubReaders(config) },
    );
    const entities = Array.from({ length: ENTITIES }, (_, i) => entity(i));
    const refresh = async () => {
      const before = github.requests.length;
      const started = process.hrtime.bigint();
      const collected = await collector.collect(entities, {
        logger: mockServices.rootLogger({ level: 'none' }) as LoggerService,
        signal: AbortSignal.timeout(300_000),
        now: new Date(),
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (collected.errors?.size) {
        throw new Error(`errors: ${[...collected.errors.values()][0]}`);
      }
      const byStatus = new Map<number, number>();
      for (const r of github.requests.slice(before)) {
        byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      }
      return { ms, byStatus, facts: collected.facts.size };
    };
    const first = await refresh();
    const second = await refresh();
    console.log(
      `scm bench: ${ENTITIES} services in ${repositories} repositories (created in ${createMs} ms)`,
    );
    for (const [label, r] of [
      ['first refresh', first],
      ['second refresh', second],
    ] as const) {
      const answers = [...r.byStatus]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${n}×${status}`)
        .join(', ');
      console.log(
        `  ${label.padEnd(15)} ${answers} upstream calls, ${r.ms.toFixed(
          0,
        )} ms, facts for ${r.facts} entities`,
      );
    }
    // Unchanged: per repository one commit lookup (200) and two 304s (runs, environments).
    const expected = new Map([
      [200, repositories],
      [304, 2 * repositories],
    ]);
    if (
      JSON.stringify([...second.byStatus].sort()) !==
      JSON.stringify([...expected].sort())
    ) {
      throw new Error(
        `second refresh made ${JSON.stringify([
          ...second.byStatus,
        ])} calls; expected ${JSON.stringify([...expected])}`,
      );
    }
    if (first.facts !== ENTITIES || second.facts !== ENTITIES) {
      throw new Error(`facts for ${first.facts}/${second.facts} entities`);
    }
  } finally {
    await github.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
