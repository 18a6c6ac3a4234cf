// Screenshots of a Template Editor dry-run of templates/service-with-blm against the running
// demo (./scripts/start), in Debian Chromium signed in as the guest.
// Usage: node e2e/tools/shot-template-editor.mjs <out-dir>
import { launchChromium, signInAsGuest } from './browser.mjs';
import {
  dryRunResults,
  fillServiceWithBlmForm,
  openResultFile,
  openTemplateDirectory,
  provideDirectoryPicker,
  readTemplateDirectory,
  runDryRun,
  serviceWithBlmValues,
} from './templateEditor.mjs';

const FRONTEND = 'http://localhost:3000';
const [outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('Usage: node e2e/tools/shot-template-editor.mjs <out-dir>');
  process.exit(2);
}
const shot = async (page, name) => {
  // No hover or focus ripple on the last clicked control.
  await page.mouse.move(1, 1);
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: `${outDir}/${name}.png` });
  console.log(`${outDir}/${name}.png`);
};

const browser = await launchChromium();
try {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  await provideDirectoryPicker(page);
  await signInAsGuest(page, FRONTEND);
  await openTemplateDirectory(
    page,
    FRONTEND,
    readTemplateDirectory(
      new URL('../../templates/service-with-blm/', import.meta.url),
    ),
    'template.yaml',
  );
  await fillServiceWithBlmForm(page, serviceWithBlmValues('checkout-api'));
  const { status } = await runDryRun(page);
  if (status !== 200) throw new Error(`dry-run answered ${status}`);
  const results = dryRunResults(page);
  await results.getByRole('button', { name: 'Result 1' }).waitFor();
  const viewer = await openResultFile(page, 'catalog-info.yaml');
  await viewer.getByText('name: checkout-api').first().waitFor();
  await shot(page, 'template-editor-dry-run-files');
  await results.getByRole('tab', { name: 'Log' }).click();
  await results
    .getByRole('button', { name: 'Validate the bundle', exact: true })
    .click();
  await results.getByText(/BLM bundle valid/).waitFor();
  await shot(page, 'template-editor-dry-run-log');
} finally {
  await browser.close();
}
