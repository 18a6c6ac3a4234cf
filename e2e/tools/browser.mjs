// Debian Chromium for end-to-end tests and screenshots, with the flags this machine needs as
// root on a closed network, and the guest sign-in of the demo app.
import { chromium } from 'playwright-core';

export async function launchChromium() {
  return chromium.launch({
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
}

/** Opens the app and enters as the guest; the choice is remembered for later pages. */
export async function signInAsGuest(page, frontendUrl) {
  await page.goto(frontendUrl, { waitUntil: 'domcontentloaded' });
  const enter = page.getByRole('button', { name: /enter/i });
  await enter.click({ timeout: 60_000 });
  await enter.waitFor({ state: 'detached', timeout: 30_000 });
}
