// Takes full-page screenshots of app pages in Debian Chromium, signing in as the guest first.
// Usage: node e2e/tools/shot.mjs <out-dir> <name>=<path> [<name>=<path> ...]
import { chromium } from 'playwright-core';

const [outDir, ...shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto('http://localhost:3000/', { waitUntil: 'networkidle' });
// The guest sign-in page; the choice is remembered for the following pages.
const enter = page.getByRole('button', { name: /enter/i });
await enter.waitFor({ timeout: 30_000 });
await enter.click();
await enter.waitFor({ state: 'detached', timeout: 30_000 });
for (const shot of shots) {
  const [name, path] = shot.split('=');
  await page.goto(`http://localhost:3000${path}`, { waitUntil: 'networkidle' });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: `${outDir}/${name}.png`, fullPage: true });
  console.log(`${name}: ${path}`);
}
await browser.close();
