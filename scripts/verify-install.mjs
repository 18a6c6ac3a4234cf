// Installs the suite into a brand-new Backstage app exactly as README.md's "Install into your
// Backstage" section says, from a registry, and proves it works there:
//   1. builds and packs every @production-readiness/* package (`yarn pack`, as `npm publish` would);
//   2. publishes the tarballs to a local Verdaccio registry (loopback, this run only);
//   3. creates an app with @backstage/create-app (pinned below), installs it;
//   4. applies the README section: its .yarnrc.yml lines, its `yarn add` commands, its backend
//      lines and its permission policy module, all read from README.md, not copied here;
//   5. asserts that installing the suite added no second version of any @backstage/* package;
//   6. starts the app's backend and asserts the report and gate endpoints answer for the app's
//      own example entity and for a production service, which is blocked until configured.
// Usage: scripts/verify-install (sources the bootstrap); VERIFY_INSTALL_KEEP=1 keeps the app.
import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { markdownCodeBlocks } from './lib/markdownCodeBlocks.mjs';

const REPO = resolve(new URL('..', import.meta.url).pathname);
const requireFromRepo = createRequire(join(REPO, 'package.json'));
const YAML = requireFromRepo('yaml');

const CREATE_APP_VERSION = '0.9.2';
const VERDACCIO_VERSION = '6.10.4';
const SCOPE = 'production-readiness';
const STARTUP_LIMIT_MS = 180_000;
const FIRST_EVALUATION_LIMIT_MS = 120_000;

const timings = [];
const cleanups = [];

function say(message) {
  process.stderr.write(`\x1b[1;34m[verify-install]\x1b[0m ${message}\n`);
}

async function step(name, fn) {
  say(name);
  const started = Date.now();
  const result = await fn();
  timings.push([name, (Date.now() - started) / 1000]);
  return result;
}

/** The environment of a child run in another project: nothing of this repo's Yarn run leaks. */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(npm_package_|npm_lifecycle_|YARN_|BERRY_)|^(PROJECT_CWD|INIT_CWD)$/.test(
        key,
      )
    ) {
      delete env[key];
    }
  }
  return { ...env, ...extra };
}

/**
 * For Yarn in the new app, which has no lockfile yet: a user's first install writes one, while
 * with CI=true Yarn would refuse to write it.
 */
const NEW_APP_ENV = { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' };

function run(command, args, cwd, extraEnv) {
  execFileSync(command, args, {
    cwd,
    env: cleanEnv(extraEnv),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts a long-running process in its own process group, stopped at the end of the run. */
function startProcess(command, args, cwd, logPath, extraEnv) {
  const log = [];
  const child = spawn(command, args, {
    cwd,
    env: cleanEnv(extraEnv),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', chunk => {
      log.push(chunk.toString());
      appendFileSync(logPath, chunk);
    });
  }
  cleanups.push(() => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  });
  return { child, log };
}

async function waitFor(what, limitMs, probe) {
  const deadline = Date.now() + limitMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${what} within ${limitMs / 1000} s${last ? `: ${last.message}` : ''}`,
  );
}

/** The fenced blocks of README.md's install section, with their language and first line. */
function readInstallSection(readme) {
  const start = readme.indexOf('\n## Install into your Backstage\n');
  assert.ok(
    start >= 0,
    'README.md has no "## Install into your Backstage" section',
  );
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return markdownCodeBlocks(section);
}

function blockFor(blocks, lang, pathStart) {
  const block = blocks.find(
    b =>
      b.lang === lang &&
      b.firstLine.replace(/^(\/\/|#) /, '').startsWith(pathStart),
  );
  assert.ok(
    block,
    `README install section has no ${lang} block for ${pathStart}`,
  );
  return block.body.split('\n').slice(1).join('\n');
}

/** Every installed @backstage/* package and its versions, wherever node_modules holds it. */
function backstageVersions(appDir) {
  const found = {};
  const visit = (dir, name) => {
    const manifest = join(dir, 'package.json');
    if (name.startsWith('@backstage/') && existsSync(manifest)) {
      const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
      (found[name] ??= new Set()).add(version);
    }
    walk(join(dir, 'node_modules'));
  };
  const walk = dir => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.startsWith('@')) {
        for (const sub of readdirSync(join(dir, entry.name))) {
          visit(join(dir, entry.name, sub), `${entry.name}/${sub}`);
        }
      } else if (!entry.name.startsWith('.')) {
        visit(join(dir, entry.name), entry.name);
      }
    }
  };
  walk(join(appDir, 'node_modules'));
  for (const workspace of ['packages/app', 'packages/backend']) {
    walk(join(appDir, workspace, 'node_modules'));
  }
  return Object.fromEntries(
    Object.entries(found).map(([name, versions]) => [
      name,
      [...versions].sort(),
    ]),
  );
}

const PRODUCTION_SERVICE = `---
# Added by scripts/verify-install: a production service and its database, declaring nothing else.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop-api
spec:
  type: service
  lifecycle: production
  owner: guests
  system: examples
  dependsOn: [resource:shop-db]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: shop-db
spec:
  type: database
  owner: guests
  system: examples
`;

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'pr-verify-install-'));
  const appDir = join(work, 'app');
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  say(`working in ${work}`);
  if (process.env.VERIFY_INSTALL_KEEP !== '1') {
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  }

  await step('build and pack the packages', () => {
    // The release path of RELEASING.md: the root scripts build:plugins and pack:plugins.
    run('yarn', ['build:plugins'], REPO);
    run('yarn', ['pack:plugins', '--out', join(tarballs, '%s-%v.tgz')], REPO);
  });

  const registry = await step(
    'publish them to a local registry (Verdaccio)',
    async () => {
      const prefix = join(
        homedir(),
        '.cache',
        'production-readiness',
        `verdaccio-${VERDACCIO_VERSION}`,
      );
      const bin = join(prefix, 'node_modules', '.bin', 'verdaccio');
      if (!existsSync(bin)) {
        run(
          'npm',
          [
            'install',
            '--prefix',
            prefix,
            '--no-audit',
            '--no-fund',
            '--loglevel=error',
            `verdaccio@${VERDACCIO_VERSION}`,
          ],
          REPO,
        );
      }
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const dir = join(work, 'registry');
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'config.yaml'),
        YAML.stringify({
          storage: join(dir, 'storage'),
          auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: -1 } },
          uplinks: {},
          packages: {
            [`@${SCOPE}/*`]: { access: '$all', publish: '$anonymous' },
          },
          log: { type: 'stdout', format: 'pretty', level: 'warn' },
        }),
      );
      startProcess(
        bin,
        ['--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
        dir,
        join(work, 'registry.log'),
      );
      await waitFor(
        'Verdaccio answers',
        30_000,
        async () => (await fetch(`${url}/-/ping`)).ok,
      );
      for (const file of readdirSync(tarballs)) {
        run(
          'npm',
          [
            'publish',
            join(tarballs, file),
            '--registry',
            url,
            `--//127.0.0.1:${port}/:_authToken=anonymous`,
          ],
          work,
        );
      }
      return url;
    },
  );

  await step(
    `create an app with @backstage/create-app@${CREATE_APP_VERSION} and install it`,
    () => {
      run(
        'npx',
        [
          '--yes',
          `@backstage/create-app@${CREATE_APP_VERSION}`,
          '--path',
          appDir,
          '--skip-install',
        ],
        work,
        {
          BACKSTAGE_APP_NAME: 'fresh-app',
        },
      );
      // Only for this machine's registry mirror, which lacks a few platform variants
      // (ENVIRONMENT.md "Registry gaps"): the same pins as this repository's root package.json.
      const ours = JSON.parse(
        readFileSync(join(REPO, 'package.json'), 'utf8'),
      ).resolutions;
      const manifestPath = join(appDir, 'package.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      for (const pin of [
        '@swc/core',
        'unrs-resolver',
        'rollup',
        '@yarnpkg/core',
      ]) {
        manifest.resolutions[pin] = ours[pin];
      }
      writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      run('yarn', ['install'], appDir, NEW_APP_ENV);
      // The newest create-app this registry serves (0.9.2, release 1.55) cannot fetch its
      // yarn.lock seed from GitHub here, and the caret ranges of its plugins resolve the next
      // release's versions; signals-backend 0.3.21 then stops the backend at startup
      // ("httpRouter.addWebSocketHandler is not a function"), with or without this suite.
      // Moving backend-defaults to the current release makes the bare app start.
      run(
        'yarn',
        [
          '--cwd',
          'packages/backend',
          'add',
          '@backstage/backend-defaults@latest',
        ],
        appDir,
        NEW_APP_ENV,
      );
    },
  );

  const blocks = readInstallSection(
    readFileSync(join(REPO, 'README.md'), 'utf8'),
  );
  const before = backstageVersions(appDir);

  await step('apply the README install section', () => {
    // Step 1 of the section: the .yarnrc.yml lines, merged into the app's.
    const yarnrcPath = join(appDir, '.yarnrc.yml');
    const yarnrc = YAML.parse(readFileSync(yarnrcPath, 'utf8'));
    const fromReadme = YAML.parse(blockFor(blocks, 'yaml', '.yarnrc.yml'));
    for (const [key, value] of Object.entries(fromReadme)) {
      yarnrc[key] = Array.isArray(value)
        ? [...new Set([...(yarnrc[key] ?? []), ...value])]
        : value;
    }
    // Only for this run: the scope comes from the local registry instead of npmjs.org.
    yarnrc.npmScopes = { [SCOPE]: { npmRegistryServer: registry } };
    yarnrc.unsafeHttpWhitelist = ['127.0.0.1'];
    writeFileSync(yarnrcPath, YAML.stringify(yarnrc));

    const commands = blocks
      .filter(b => b.lang === 'sh')
      .flatMap(b => b.body.split('\n'))
      .filter(line => line.startsWith('yarn '));
    assert.equal(
      commands.length,
      2,
      'one `yarn add` per workspace in the README',
    );
    // Yarn's global cache keys a package by name and version only: a tarball of the suite
    // cached by an earlier run (same version, older code) would be installed instead of the
    // one just published. The suite's entries go; every other package stays cached.
    const cacheFolder = execFileSync('yarn', ['config', 'get', 'cacheFolder'], {
      cwd: appDir,
      env: cleanEnv(NEW_APP_ENV),
      encoding: 'utf8',
    }).trim();
    for (const entry of readdirSync(cacheFolder)) {
      if (entry.startsWith(`@${SCOPE}-`)) {
        rmSync(join(cacheFolder, entry), { force: true });
      }
    }
    for (const command of commands)
      run('bash', ['-c', command], appDir, NEW_APP_ENV);

    const indexPath = join(appDir, 'packages/backend/src/index.ts');
    const index = readFileSync(indexPath, 'utf8');
    const policyModule =
      "backend.add(\n  import('@backstage/plugin-permission-backend-module-allow-all-policy'),\n);";
    assert.ok(
      index.includes(policyModule),
      'create-app backend adds the allow-all policy',
    );
    assert.ok(index.includes('\nbackend.start();'));
    writeFileSync(
      indexPath,
      index
        .replace(
          policyModule,
          "backend.add(import('./modules/permissionPolicy'));",
        )
        .replace(
          '\nbackend.start();',
          `\n${blockFor(
            blocks,
            'ts',
            'packages/backend/src/index.ts',
          )}\nbackend.start();`,
        ),
    );
    mkdirSync(join(appDir, 'packages/backend/src/modules'), {
      recursive: true,
    });
    writeFileSync(
      join(appDir, 'packages/backend/src/modules/permissionPolicy.ts'),
      blockFor(
        blocks,
        'ts',
        'packages/backend/src/modules/permissionPolicy.ts',
      ),
    );
    appendFileSync(join(appDir, 'examples/entities.yaml'), PRODUCTION_SERVICE);
  });

  await step('compare the @backstage/* packages before and after', () => {
    const after = backstageVersions(appDir);
    const added = Object.entries(after)
      .map(([name, versions]) => [
        name,
        versions.filter(v => !(before[name] ?? []).includes(v)),
      ])
      .filter(([, versions]) => versions.length > 0);
    const appOwnDuplicates = Object.entries(before).filter(
      ([, v]) => v.length > 1,
    );
    say(
      `the app had ${
        Object.keys(before).length
      } @backstage/* packages before the suite, ` +
        `${
          appOwnDuplicates.length
        } of them in two versions of its own (${appOwnDuplicates
          .map(([n, v]) => `${n} ${v.join(' + ')}`)
          .join(', ')})`,
    );
    assert.deepEqual(
      added,
      [],
      `installing the suite added @backstage/* versions the app did not have: ${JSON.stringify(
        added,
      )}`,
    );
    say(
      `the suite added no @backstage/* version (${
        Object.keys(after).length
      } packages)`,
    );
  });

  const backend = await step(
    "start the app's backend with the suite",
    async () => {
      const port = await freePort();
      writeFileSync(
        join(appDir, 'app-config.local.yaml'),
        YAML.stringify({
          backend: { baseUrl: `http://localhost:${port}`, listen: { port } },
        }),
      );
      const { child, log } = startProcess(
        'yarn',
        ['workspace', 'backend', 'start'],
        appDir,
        join(work, 'backend.log'),
      );
      const url = `http://localhost:${port}`;
      await waitFor('the backend answers', STARTUP_LIMIT_MS, async () => {
        if (child.exitCode !== null)
          throw new Error(`the backend exited: ${log.join('').slice(-2000)}`);
        if (/startup failed/i.test(log.join('')))
          throw new Error(`the backend failed: ${log.join('').slice(-2000)}`);
        const response = await fetch(`${url}/api/production-readiness/checks`);
        return response.status === 401 || response.ok;
      });
      const refresh = await fetch(`${url}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      const token = (await refresh.json()).backstageIdentity.token;
      return { url, token, log };
    },
  );

  await step('read reports and gates through the API', async () => {
    const get = async path => {
      const response = await fetch(
        `${backend.url}/api/production-readiness${path}`,
        {
          headers: { Authorization: `Bearer ${backend.token}` },
        },
      );
      return { status: response.status, body: await response.json() };
    };
    const checks = await get('/checks');
    assert.equal(checks.status, 200);
    const checkIds = checks.body.checks.map(c => c.id);
    say(`${checkIds.length} checks installed`);
    const report = ref =>
      waitFor(
        `a report for ${ref} (first evaluation)`,
        FIRST_EVALUATION_LIMIT_MS,
        async () => {
          const answer = await get(`/entities/${ref}/report`);
          return (
            answer.status === 200 &&
            answer.body.results?.length > 0 &&
            answer.body
          );
        },
      );

    const example = await report('component/default/example-website');
    assert.equal(
      example.gate.allowed,
      true,
      'experimental entities are not gated',
    );

    const service = await report('component/default/shop-api');
    const byPillar = pillar =>
      service.results.filter(r => r.checkId.startsWith(`${pillar}.`));
    for (const pillar of [
      'availability',
      'security',
      'monitoring',
      'logging',
      'backup',
      'delivery',
      'documentation',
    ]) {
      assert.ok(byPillar(pillar).length > 0, `shop-api has ${pillar} results`);
    }
    // It names no repository: the SCM module's checks say what to declare.
    assert.match(
      service.results.find(r => r.checkId === 'delivery.pipeline-defined')
        ?.summary ?? '',
      /^No repository: the entity declares no backstage\.io\/source-location/,
    );
    for (const r of [...byPillar('availability'), ...byPillar('monitoring')]) {
      assert.ok(
        ['fail', 'unknown'].includes(r.status),
        `${r.checkId} is ${r.status}: ${r.summary}`,
      );
      assert.ok(r.summary.length > 0);
    }
    const gate = await get('/entities/component/default/shop-api/gate');
    assert.equal(
      gate.body.allowed,
      false,
      'a production service that declared nothing is blocked',
    );
    assert.ok(gate.body.blocking.length > 0);
    const database = await report('resource/default/shop-db');
    const fresh = database.results.find(r => r.checkId === 'backup.fresh');
    assert.equal(
      fresh?.status,
      'fail',
      `the backup module fails the undeclared backups of a production service's database: ${JSON.stringify(
        fresh,
      )}`,
    );
    const counts = {};
    for (const r of service.results)
      counts[r.status] = (counts[r.status] ?? 0) + 1;
    say(
      `example-website: ${example.results.length} results, gate allowed; shop-api: ` +
        `${service.results.length} results ${JSON.stringify(
          counts,
        )}, gate blocked by ` +
        `${gate.body.blocking.length} (required ${gate.body.requiredLevel}); shop-db: ${database.results.length} results`,
    );
    for (const r of [
      byPillar('availability')[0],
      byPillar('monitoring')[0],
      fresh,
    ]) {
      say(`  ${r.checkId} ${r.status}: ${r.summary}`);
    }
  });
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  process.stderr.write(
    `\x1b[1;31m[verify-install] FAILED:\x1b[0m ${error.stack ?? error}\n`,
  );
} finally {
  for (const cleanup of cleanups.reverse()) cleanup();
  const total = timings.reduce((sum, [, s]) => sum + s, 0);
  for (const [name, seconds] of timings)
    say(`${seconds.toFixed(0).padStart(5)} s  ${name}`);
  say(`${total.toFixed(0).padStart(5)} s  in all${failed ? ' (failed)' : ''}`);
}
process.exit(failed ? 1 : 0);
