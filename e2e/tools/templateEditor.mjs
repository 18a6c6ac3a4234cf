// Drives the scaffolder's Template Editor (/create/edit) in Chromium: loads a template folder
// from disk through "Load Template Directory", fills the template's form and runs its dry-run
// through the real scaffolder backend. Used by the e2e test and the screenshot tool.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder the fake directory picker hands out, in the origin private file system. */
const FOLDER = 'e2e-template';

/** Every file of a template folder (text files: template.yaml and its skeleton). */
export function readTemplateDirectory(dirUrl) {
  const root = fileURLToPath(dirUrl);
  const files = [];
  const walk = dir => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        files.push({
          path: relative(root, full).split(sep).join('/'),
          content: readFileSync(full, 'utf8'),
        });
      }
    }
  };
  walk(root);
  return files;
}

/**
 * Makes the editor's directory picker answer with a real FileSystemDirectoryHandle from the
 * origin private file system, since headless Chromium cannot show the native picker. The
 * scaffolder reads `window.showDirectoryPicker` when its module loads, so this must run
 * before the app's first page load.
 */
export async function provideDirectoryPicker(page) {
  await page.addInitScript(folder => {
    window.showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
  }, FOLDER);
}

/** Writes the files into the folder the picker hands out (the page must be on the app's origin). */
async function writePickedDirectory(page, files) {
  await page.evaluate(
    async ({ folder, files: entries }) => {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(folder, { recursive: true }).catch(() => {});
      const top = await root.getDirectoryHandle(folder, { create: true });
      for (const { path, content } of entries) {
        const parts = path.split('/');
        let dir = top;
        for (const part of parts.slice(0, -1)) {
          dir = await dir.getDirectoryHandle(part, { create: true });
        }
        const file = await dir.getFileHandle(parts[parts.length - 1], {
          create: true,
        });
        const writable = await file.createWritable();
        await writable.write(content);
        await writable.close();
      }
    },
    { folder: FOLDER, files },
  );
}

/**
 * Opens the Template Editor, loads `files` through its "Load Template Directory" (see
 * provideDirectoryPicker) and selects `file` in its file tree.
 */
export async function openTemplateDirectory(page, frontendUrl, files, file) {
  await page.goto(`${frontendUrl}/create/edit`);
  await writePickedDirectory(page, files);
  await page
    .getByRole('button', { name: /Load Template Directory/ })
    .click({ timeout: 60_000 });
  await page.waitForURL(/\/create\/edit\/template$/);
  const editorTree = page.getByRole('tree').first();
  await editorTree.getByRole('treeitem', { name: file, exact: true }).click();
}

const textbox = (page, name) =>
  page.getByRole('textbox', { name, exact: true });

/** Picks a catalog entity in an EntityPicker/OwnerPicker by typing and choosing its title. */
async function pickEntity(page, field, title) {
  await textbox(page, field).fill(title.split(' ')[0]);
  await page.getByRole('option', { name: title, exact: true }).click();
}

/** A free-text Autocomplete (RepoUrlPicker) keeps what was typed when it loses focus. */
async function typeFreeSolo(page, field, value) {
  await textbox(page, field).fill(value);
  await textbox(page, field).press('Tab');
}

/** Form values for templates/service-with-blm: a service of Team Orders in the web shop. */
export function serviceWithBlmValues(name) {
  return {
    name,
    description: `The ${name} service, created in the Template Editor`,
    ownerTitle: 'Team Orders',
    systemTitle: 'Web shop',
    image: `ghcr.io/acme/${name}`,
    alertReceiver: 'team-orders',
    onCall: '#team-orders-oncall',
    runbookUrl: `https://backstage.example.com/docs/default/component/${name}/runbook/`,
    backupLocation: 'main',
    repoOwner: 'acme',
    repoName: name,
  };
}

/**
 * Fills every step of templates/service-with-blm's form as a user would, up to the review
 * step. `values` holds what is typed; owner and system are picked by their catalog titles.
 */
export async function fillServiceWithBlmForm(page, values) {
  const next = () => page.getByRole('button', { name: 'Next' }).click();
  await textbox(page, 'Name').fill(values.name);
  await textbox(page, 'Description').fill(values.description);
  await pickEntity(page, 'Owner', values.ownerTitle);
  await pickEntity(page, 'System', values.systemTitle);
  await next();
  await textbox(page, 'Image repository').fill(values.image);
  await next();
  await textbox(page, 'Alertmanager receiver').fill(values.alertReceiver);
  await textbox(page, 'On-call').fill(values.onCall);
  await textbox(page, 'Runbook URL').fill(values.runbookUrl);
  await next();
  // Logging: the platform's store and retention, as the form proposes them.
  await textbox(page, 'Log retention').waitFor();
  await next();
  await page.getByRole('checkbox', { name: 'PostgreSQL database' }).check();
  await textbox(page, 'Backup location').fill(values.backupLocation);
  await next();
  await typeFreeSolo(page, 'Owner', values.repoOwner);
  await typeFreeSolo(page, 'Repository', values.repoName);
  await page.getByRole('button', { name: 'Review' }).click();
}

/**
 * Presses the editor's Create button (a dry-run, never a real run) and returns the backend's
 * answer as the browser received it, for diagnostics.
 */
export async function runDryRun(page) {
  const [response] = await Promise.all([
    page.waitForResponse(
      r =>
        r.url().endsWith('/api/scaffolder/v2/dry-run') &&
        r.request().method() === 'POST',
      { timeout: 120_000 },
    ),
    page.getByRole('button', { name: 'Create', exact: true }).click(),
  ]);
  return { status: response.status(), body: await response.json() };
}

/** The "Dry-run results" panel (the accordion region with the Files/Log/Output tabs). */
export function dryRunResults(page) {
  return page
    .getByRole('region')
    .filter({ has: page.getByRole('tab', { name: 'Files' }) });
}

/** Opens `path` (e.g. deploy/kubernetes/deployment.yaml) in the results' file tree. */
export async function openResultFile(page, path) {
  const results = dryRunResults(page);
  const filesTab = results.getByRole('tab', { name: 'Files' });
  if ((await filesTab.getAttribute('aria-selected')) !== 'true') {
    await filesTab.click();
  }
  const tree = results.getByRole('tree');
  const parts = path.split('/');
  for (const [depth, part] of parts.entries()) {
    // MUI's tree items carry no aria-level: count the enclosing items instead, since a name
    // can occur at several depths (monitoring/ and deploy/kubernetes/monitoring/).
    const item = tree
      .locator(
        `xpath=.//*[@role="treeitem" and count(ancestor::*[@role="treeitem"]) = ${depth}]`,
      )
      .and(page.getByRole('treeitem', { name: part, exact: true }));
    const isFolder = depth < parts.length - 1;
    // Clicking a folder toggles it; only a collapsed one (just its label) is clicked.
    if (!isFolder || (await item.getAttribute('aria-expanded')) !== 'true') {
      await item.click();
    }
  }
  return results.getByRole('textbox');
}
