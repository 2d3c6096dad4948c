// Debian's Chromium driven by playwright-core (its own browser download cannot work here).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './portal';

export async function launchChromium(): Promise<Browser> {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/ensure-chromium.sh')], { stdio: 'inherit' });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the portal and signs in with the guest provider (the sign-in page's "Enter"). */
export async function signIn(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${url}/catalog`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'Virtual machines' }).waitFor();
  return page;
}
