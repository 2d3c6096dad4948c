// Render-time benchmark of the portal, measured in the browser (Debian Chromium, production
// bundle served by the backend, everything running locally as with `npm start`):
//   - a VM entity page fully rendered (the VM card shows its data) within 1.5 s of navigation,
//     as a fresh page load and as an in-app navigation from the list;
//   - the Virtual machines page with 1,000 VMs interactive within 2 s (first rows shown), plus the
//     time a search takes to narrow it.
// Times come from the page's own clock (performance.now(), i.e. since navigation start) read by a
// MutationObserver when the element marking "data shown" appears.
import { spawnSync } from 'node:child_process';
import { eventually } from '@virtrigaud/testing';
import type { Page } from 'playwright-core';
import { launchChromium, signIn } from '../browser';
import { startPortal } from '../portal';

const RUNS = 7;
const LIST_SIZE = 1000;
const TARGETS = { entityMs: 1500, listMs: 2000 };

const MARKER_SCRIPT = `
  window.__marks = {};
  new MutationObserver(() => {
    for (const id of ['vm-card-ready', 'vm-list-ready']) {
      if (!window.__marks[id] && document.querySelector('[data-testid="' + id + '"]')) {
        window.__marks[id] = performance.now();
      }
    }
  }).observe(document, { subtree: true, childList: true });
`;

function kubectl(kubeconfig: string, args: string[], input?: string) {
  const result = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    input,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
}

/** 1,000 VMs in namespace `bench`; their Provider does not exist, so the operator leaves them Pending. */
function seedVms(kubeconfig: string) {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } };
  const vms = Array.from({ length: LIST_SIZE }, (_, i) => ({
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VirtualMachine',
    metadata: { name: `bench-vm-${String(i).padStart(4, '0')}`, namespace: 'bench' },
    spec: {
      providerRef: { name: 'bench-none' },
      classRef: { name: 'small' },
      imageRef: { name: 'none' },
    },
  }));
  // One List through `kubectl create -f -` (JSON; kubectl's imperative generators send protobuf).
  const items = [namespace, ...vms];
  kubectl(
    kubeconfig,
    ['create', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
}

async function mark(page: Page, id: string): Promise<number> {
  await page.getByTestId(id).waitFor({ timeout: 30_000 });
  return page.evaluate(
    (key) => (window as unknown as { __marks: Record<string, number> }).__marks[key],
    id,
  );
}

function summary(name: string, samples: number[], target?: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const verdict =
    target === undefined
      ? ''
      : at(0.95) <= target
        ? `  OK (target ${target} ms)`
        : `  MISSED (target ${target} ms)`;
  console.log(
    `${name.padEnd(46)} median ${at(0.5).toFixed(0).padStart(5)} ms  p95 ${at(0.95).toFixed(0).padStart(5)} ms  max ${sorted[sorted.length - 1].toFixed(0).padStart(5)} ms${verdict}`,
  );
}

async function main() {
  const portal = await startPortal();
  const browser = await launchChromium();
  try {
    seedVms(portal.kubeconfig);
    const page = await signIn(browser, portal.url);
    await page.addInitScript(MARKER_SCRIPT);
    // The backend's cache has the 1,000 VMs and the catalog has web-1.
    await eventually(
      '1,000 VMs in the list',
      async () => {
        await page.goto(`${portal.url}/virtual-machines?namespace=bench`);
        await mark(page, 'vm-list-ready');
        return page.getByText(`of ${LIST_SIZE}`).isVisible();
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const entityUrl = `${portal.url}/catalog/default/resource/local.default.web-1`;
    await eventually(
      'the web-1 entity page',
      async () => {
        await page.goto(entityUrl);
        return mark(page, 'vm-card-ready').then(
          () => true,
          () => false,
        );
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );

    const entityLoad: number[] = [];
    const entityNav: number[] = [];
    const listLoad: number[] = [];
    const search: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(entityUrl);
      entityLoad.push(await mark(page, 'vm-card-ready'));

      await page.goto(`${portal.url}/virtual-machines`);
      listLoad.push(await mark(page, 'vm-list-ready'));
      await page.getByText(`of ${LIST_SIZE + 3}`).waitFor({ timeout: 10_000 });

      const typedAt = await page.evaluate(() => performance.now());
      await page.getByLabel('Search').fill(`bench-vm-0${String(run).padStart(3, '0')}`);
      await page.getByText('1-1 of 1').waitFor({ timeout: 10_000 });
      search.push((await page.evaluate(() => performance.now())) - typedAt);

      await page.getByLabel('Search').fill('web-1');
      await page.getByText('1-1 of 1').waitFor({ timeout: 10_000 });
      const clickedAt = await page.evaluate(() => {
        delete (window as unknown as { __marks: Record<string, number> }).__marks['vm-card-ready'];
        return performance.now();
      });
      await page.getByRole('link', { name: 'web-1' }).click();
      entityNav.push((await mark(page, 'vm-card-ready')) - clickedAt);
    }
    console.log(
      `portal render times, ${RUNS} runs each (Chromium ${browser.version()}, ${LIST_SIZE} VMs + 3 samples)`,
    );
    summary('VM entity page, page load -> data shown', entityLoad, TARGETS.entityMs);
    summary('VM entity page, in-app navigation -> data shown', entityNav, TARGETS.entityMs);
    summary(`VM list (${LIST_SIZE + 3} VMs), page load -> rows shown`, listLoad, TARGETS.listMs);
    summary('VM list search, typed -> 1 match shown', search);
  } finally {
    await browser.close();
    await portal.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
