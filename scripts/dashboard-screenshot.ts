/**
 * Regenerates the dashboard's screenshots in docs/images/: the duty officer's view (the mission's monitor key) on a desktop
 * and on a phone (390×844), and the public map on a phone with its legend open, of a server holding 10,000 breach cases
 * (test/dashboard/scale.ts), in Debian's Chromium through playwright-core.
 *
 *     npx tsx scripts/dashboard-screenshot.ts [out-dir]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { openDashboard, scaleServer } from '../test/dashboard/scale.js';

const dir = process.argv[2] ?? 'docs/images';
mkdirSync(dir, { recursive: true });
const x = await scaleServer(10_000);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars'],
});
const settled = async (page: Page) => {
  await page.waitForSelector('#map[data-state=ready]', { timeout: 30_000 });
  await page.waitForTimeout(2500); // clusters and their counts drawn
};
try {
  const desk = await openDashboard(browser, x.s.url, x.s.keys.mission);
  await settled(desk.page);
  await desk.page.screenshot({ path: join(dir, 'dashboard-desktop.png') });
  await desk.page.context().close();

  const phone = await openDashboard(browser, x.s.url, x.s.keys.mission, { width: 390, height: 844 });
  await settled(phone.page);
  await phone.page.screenshot({ path: join(dir, 'dashboard-phone.png'), fullPage: false });
  await phone.page.context().close();

  const pub = await openDashboard(browser, x.s.url, undefined, { width: 390, height: 844 });
  await settled(pub.page);
  await pub.page.click('#legend summary');
  await pub.page.waitForTimeout(800);
  await pub.page.screenshot({ path: join(dir, 'dashboard-public-phone.png') });
  await pub.page.context().close();
  console.log(`wrote ${dir}/dashboard-desktop.png, dashboard-phone.png, dashboard-public-phone.png`);
} finally {
  await browser.close();
  await x.s.close();
}
