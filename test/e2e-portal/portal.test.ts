// The portal in a real browser: devcluster + operator + mock provider + Backstage (scripts/start.sh)
// driven through headless Chromium. A developer's path: request a VM with the "New virtual
// machine" template, watch it reach Running, power it off, delete it; a user without the delete
// permission does not get a Delete button; Ctrl-C takes everything down.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '@virtrigaud/testing';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from './browser';
import { type Portal, REPO_ROOT, startBackendAs, startPortal } from './portal';

// Each step waits on the real system (operator, provider, catalog ingestion), with its own deadlines.
jest.setTimeout(180_000);

const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const vmName = `e2e-${randomBytes(3).toString('hex')}`;

let portal: Portal | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  portal = await startPortal();
  browser = await launchChromium();
  page = await signIn(browser, portal.url);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const entityUrl = (name: string, baseUrl = portal!.url) =>
  `${baseUrl}/catalog/default/resource/local.default.${name}`;

/** The test's signed-in tab on the portal. */
const defaultTab = () => ({ page, baseUrl: portal!.url });

/** Opens a VM's entity page, reloading until the catalog has the entity and the card its data. */
async function openVmPage(name: string, on: { page: Page; baseUrl: string } = defaultTab()) {
  await eventually(
    `the entity page of ${name}`,
    async () => {
      await on.page.goto(entityUrl(name, on.baseUrl));
      return on.page
        .getByTestId('vm-card-ready')
        .waitFor({ timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

async function pick(label: RegExp, option: string) {
  await page.getByLabel(label).click();
  await page.getByRole('option', { name: new RegExp(`^${option}\\b`) }).click();
}

const badge = () => page.getByTestId('power-state-badge');

test('the "New virtual machine" template creates a VM that appears in the catalog and reaches Running', async () => {
  await page.goto(`${portal!.url}/create/templates/default/new-virtual-machine`);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(vmName);
  await pick(/^Provider/, 'mock');
  await pick(/^Size/, 'small');
  await pick(/^Image/, 'ubuntu-24-04');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('link', { name: 'Virtual machine in the catalog' })
    .waitFor({ timeout: 60_000 });

  await openVmPage(vmName);
  await badge().filter({ hasText: 'Powered on' }).waitFor({ timeout: 90_000 });
  await page.getByTestId('vm-phase').filter({ hasText: 'Running' }).waitFor();
  // The phase and power timeline has seen the VM come up and ends in Running / On.
  const timeline = page.getByRole('figure', { name: 'Phase and power timeline' });
  expect(Number(await timeline.getAttribute('data-entries'))).toBeGreaterThanOrEqual(2);
  await page.getByTestId('vm-timeline-phase').locator('[data-value="Running"]').waitFor();
  await page.getByTestId('vm-timeline-power').locator('[data-value="On"]').waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'vm-entity-page.png'), fullPage: true });
});

test('the Virtual machines page lists it, live', async () => {
  await page.goto(`${portal!.url}/virtual-machines`);
  const row = page.getByTestId('vm-row').filter({ hasText: vmName });
  await row.waitFor();
  expect(await row.textContent()).toContain('Powered on');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'vm-list-page.png'), fullPage: true });
});

test('powering off from the card changes the badge', async () => {
  await openVmPage(vmName);
  await page.getByRole('button', { name: 'Power off' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Power off' }).click();
  await badge()
    .filter({ hasText: /Powering off…|Powered off/ })
    .waitFor({ timeout: 10_000 });
  await badge().filter({ hasText: 'Powered off' }).waitFor({ timeout: 60_000 });
  expect(await badge().getAttribute('data-power-state')).toBe('Off');
  // Offered next: power it on again.
  await page.getByRole('button', { name: 'Power on' }).waitFor();
});

/** The chart in figure `name` has drawn at least two samples (reloading until it has). */
async function chartWithData(name: string, drawn: string) {
  await eventually(
    `the "${name}" chart with data`,
    async () => {
      const figure = page.getByRole('figure', { name, exact: true });
      const points = Number(await figure.getAttribute('data-points', { timeout: 5_000 }));
      if (points >= 2 && (await figure.locator(drawn).count()) > 0) return true;
      await page.reload();
      await page.getByTestId('provider-card-ready').waitFor({ timeout: 30_000 });
      return false;
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

test('the provider page shows its health, its metrics over time and the VMs it hosts', async () => {
  await page.goto(`${portal!.url}/catalog/default/resource/local.default.mock`);
  await page.getByTestId('provider-card-ready').waitFor({ timeout: 30_000 });
  await page.getByRole('link', { name: vmName }).waitFor({ timeout: 30_000 });
  for (const name of ['Request rate', 'Error rate', 'Mean latency'])
    await chartWithData(name, 'path.recharts-line-curve');
  await chartWithData('VMs by state', 'path.recharts-area-area');
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'provider-entity-page.png'),
    fullPage: true,
  });
});

test('a user without the delete permission sees no Delete button', async () => {
  const viewerBackend = await startBackendAs(portal!, 'user:default/viewer');
  const viewer = await signIn(browser!, viewerBackend.url);
  try {
    await openVmPage(vmName, { page: viewer, baseUrl: viewerBackend.url });
    // Power actions are allowed to the viewer, so the action row is there and complete.
    await viewer.getByRole('button', { name: 'Power on' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Delete' }).count()).toBe(0);
  } finally {
    await viewer.close();
    await viewerBackend.stop();
  }
});

test('deleting from the card removes the VM from the page, the list and the catalog', async () => {
  await openVmPage(vmName);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByText(/does not exist/).waitFor({ timeout: 60_000 });

  await page.goto(`${portal!.url}/virtual-machines?search=${vmName}`);
  await page.getByText('No virtual machines match these filters').waitFor({ timeout: 30_000 });

  await eventually(
    'the catalog to drop the entity',
    async () => {
      await page.goto(entityUrl(vmName));
      return page
        .getByText(/no resource with the requested kind|not found/i)
        .first()
        .waitFor({ timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
});

test('Ctrl-C stops the whole portal', async () => {
  const { url, clusterUrl } = portal!;
  const code = await portal!.stop();
  portal = undefined;
  expect(code).toBe(130);
  for (const address of [`${url}/.backstage/health/v1/liveness`, `${clusterUrl}/version`]) {
    await expect(fetch(address)).rejects.toThrow();
  }
});

// Screenshots are test artifacts and README material; keep the directory even on a failed run.
fs.mkdirSync(SCREENSHOTS, { recursive: true });
