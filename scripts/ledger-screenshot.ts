/**
 * Regenerates docs/images/ledger-panel.png: the dashboard's sustainment ledger panel on 20 October 2027 of the
 * 18-month scenario (test/support/ledger-scenario.ts on test/fixtures/ledger/scenario.yaml), after the US lapsed
 * its interceptor commitment and France's financing ended: coverage month by month and the open alerts, served by
 * a real server on a manual clock and screenshotted by Debian's Chromium through playwright-core.
 *
 *     npx tsx scripts/ledger-screenshot.ts [out.png]
 *
 * With `--kiel`, docs/images/ledger-kiel.png instead: test/fixtures/ledger/kiel-layout.csv (a fixture in the Kiel
 * tracker's data-explorer layout with invented numbers) imported by `guarantor ledger import` into
 * test/fixtures/ledger/kiel-package.yaml, as of 15 January 2024.
 *
 *     npx tsx scripts/ledger-screenshot.ts --kiel [out.png]
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { loadPackageFile } from '../src/package-files.js';
import { ManualClock } from '../src/core/ops/index.js';
import { generateKey } from '../src/server/api-keys.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { formatLedgerSummary, runLedgerImport } from '../src/cli/ledger.js';
import { at, deliveries, initial, label, pledges } from '../test/support/ledger-scenario.js';

const kiel = process.argv.includes('--kiel');
const out =
  process.argv.slice(2).find((a) => !a.startsWith('--')) ??
  (kiel ? 'docs/images/ledger-kiel.png' : 'docs/images/ledger-panel.png');
const loaded = loadPackageFile(kiel ? 'test/fixtures/ledger/kiel-package.yaml' : 'test/fixtures/ledger/scenario.yaml');
const clock = new ManualClock(kiel ? Date.UTC(2024, 0, 1) : Date.UTC(2026, 11, 1));
const store = SqliteStore.open({ path: ':memory:' });
const app = await buildApp({ store, operations: operationsFor(loaded, { clock }), package: loaded });
const admin = generateKey('*', 'admin', 'screenshot', clock.now());
await store.createApiKey(admin.record);
const post = async (url: string, items: unknown[]) => {
  const r = await app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${admin.key}` },
    payload: items as never,
  });
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.body}`);
};
const stop = kiel ? Date.UTC(2024, 0, 15) : at(9, 20);
if (!kiel) {
  clock.set(Date.UTC(2026, 11, 15));
  await post('/v1/ledger/pledges', initial);
}
for (let m = 0; m <= (kiel ? -1 : 9); m++) {
  const events: [number, () => Promise<void>][] = [];
  for (const [day, , items] of pledges[m] ?? []) events.push([day, () => post('/v1/ledger/pledges', items)]);
  deliveries(m).forEach((d, i) =>
    events.push([
      d.day,
      () =>
        post('/v1/ledger/deliveries', [
          {
            id: `d-${d.pledge}-${label(m)}-${i}`,
            by: d.by,
            pledge: d.pledge,
            ...(d.amount !== undefined ? { amount: d.amount, currency: 'EUR' } : { quantity: d.quantity }),
            delivered: new Date(at(m, d.day)).toISOString().slice(0, 10),
          },
        ]),
    ]),
  );
  events.sort((a, b) => a[0] - b[0]);
  clock.set(Math.max(clock.now(), at(m, 2)));
  for (const [day, run] of events) {
    if (at(m, day) > stop) break;
    clock.set(Math.max(clock.now(), at(m, day) + 3_600_000));
    await run();
  }
}
clock.set(stop);
const url = await app.listen({ port: 0, host: '127.0.0.1' });
if (kiel) {
  const map = {
    financial: 'financial',
    humanitarian: 'humanitarian',
    military: 'military',
    to_be_allocated: 'unallocated',
  } as const;
  const s = await runLedgerImport({
    file: 'test/fixtures/ledger/kiel-layout.csv',
    url,
    apiKey: admin.key,
    batch: 200,
    map,
  });
  console.log(formatLedgerSummary(s).trim());
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`${url}/#key=${admin.key}`);
  await page.waitForSelector('#ledger-panel:not([hidden]) figure.ledger-chart', { timeout: 30_000 });
  // The panel alone, at the width of a laptop screen's side column: the map and the other panels hidden.
  await page.addStyleTag({
    content:
      '.map-wrap, #panels > section:not(#ledger-panel) { display: none !important; } #panels { max-width: 760px; overflow: visible !important; height: auto !important; }',
  });
  await page.waitForTimeout(300);
  mkdirSync(dirname(out), { recursive: true });
  await page.locator('#ledger-panel').screenshot({ path: out });
} finally {
  await browser.close();
  await app.close();
  await store.close();
}
console.log(`wrote ${out}`);
