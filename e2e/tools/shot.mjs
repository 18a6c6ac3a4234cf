// Takes full-page screenshots of app pages in Debian Chromium, signed in as the guest.
// Usage: node e2e/tools/shot.mjs <out-dir> <name>=<path> [<name>=<path> ...]
import { launchChromium, signInAsGuest } from './browser.mjs';

const [outDir, ...shots] = process.argv.slice(2);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await signInAsGuest(page, 'http://localhost:3000/');
for (const shot of shots) {
  const [name, path] = shot.split('=');
  await page.goto(`http://localhost:3000${path}`, { waitUntil: 'networkidle' });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: `${outDir}/${name}.png`, fullPage: true });
  console.log(`${name}: ${path}`);
}
await browser.close();
