/**
 * The dashboard with 10,000 breach cases (test/dashboard/scale.ts), in Debian's Chromium through playwright-core:
 * the first page of cases comes sorted by severity then deadline, the controls sort, filter, search and page on the
 * server, the keyboard walks the cases, violations cluster at country zoom, the newest declared breach (the
 * 10,000th case) colours its region on the public map, the phone layout keeps the map and its popups in view, and
 * axe finds no serious or critical accessibility violation. The first load's time is printed here and measured by
 * `npm run bench -- dashboard`; this test asserts behaviour, not speed.
 */
import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, scaleServer, type ScaleServer } from './dashboard/scale.js';

const chromiumPath = '/usr/bin/chromium';
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const N = 10_000;

let x: ScaleServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  x = await scaleServer(N);
  browser = await chromium.launch({ executablePath: chromiumPath, args });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await x?.s.close();
});

const open = (key?: string, viewport?: { width: number; height: number }) =>
  openDashboard(browser, x.s.url, key, viewport);

const caseIds = (page: Page) =>
  page.locator('#case-list li.case').evaluateAll((els) => els.map((e) => e.getAttribute('data-case')));

/** Serious and critical findings of axe on the page as it is now. */
async function axe(page: Page) {
  const r = await new AxeBuilder({ page: page as never }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

describe('the dashboard with 10,000 cases', () => {
  it('loads the first page sorted by severity, then deadline: the armed attacks first', async () => {
    // The duty officer's view, with the mission's monitor key (docs/dashboard.md, "Which key for whom").
    const { page, errors, ms } = await open(x.s.keys.mission);
    console.log(`first load, 10,000 cases: ${ms} ms from navigation to the first page of cases (page clock)`);
    expect(await page.textContent('#case-count')).toBe('10,000');
    expect(await page.locator('#case-list li.case').count()).toBe(50);
    // 100 open armed attacks (and 4 declared): the first page is theirs, soonest deadline (oldest opened) first.
    const armed = x.cases.filter((c) => c.severity === 'armed-attack' && !x.declared.has(c.id));
    expect(armed.length).toBeGreaterThan(50);
    const classes = await page.locator('#case-list li.case').evaluateAll((els) => els.map((e) => e.className));
    expect(classes.every((c) => c.includes('sev-armed-attack'))).toBe(true);
    expect(await caseIds(page)).toEqual(armed.slice(0, 50).map((c) => c.id));
    // Then the serious ones: page 3 turns from armed attacks to serious cases.
    await page.click('#case-next');
    await page.click('#case-next');
    await expect.poll(() => page.textContent('#case-page')).toBe('page 3 of 200');
    const third = await page.locator('#case-list li.case').evaluateAll((els) => els.map((e) => e.className));
    // Page 3: the declared armed attacks (decided after open ones of a severity), then serious cases.
    const decidedArmed = x.cases.filter((c) => c.severity === 'armed-attack' && x.declared.has(c.id)).length;
    const armedOnThird = armed.length - 100 + decidedArmed;
    expect(third.slice(0, armedOnThird).every((c) => c.includes('sev-armed-attack is-'))).toBe(true);
    expect(third.slice(armedOnThird - decidedArmed, armedOnThird).every((c) => c.includes('is-decided'))).toBe(true);
    expect(third.slice(armedOnThird).every((c) => c.includes('sev-serious'))).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('sorts, filters, searches and pages on the server', async () => {
    const { page, errors } = await open(x.s.keys.analyst);
    await page.selectOption('#case-sort', 'newest');
    await expect.poll(async () => (await caseIds(page))[0]).toBe(x.newest.id);

    await page.selectOption('#case-trigger', 'armed-attack');
    const armed = x.cases.filter((c) => c.trigger === 'armed-attack');
    await expect.poll(() => page.textContent('#case-count')).toBe(String(armed.length));
    expect(await caseIds(page)).toEqual(
      armed
        .map((c) => c.id)
        .reverse()
        .slice(0, 50),
    );

    await page.selectOption('#case-trigger', '');
    await page.selectOption('#case-region', 'UA-23');
    const inZap = x.cases.filter((c) => c.region === 'UA-23');
    await expect.poll(() => page.textContent('#case-count')).toBe(inZap.length.toLocaleString('en'));
    await page.selectOption('#case-status', 'decided');
    await expect.poll(() => page.textContent('#case-list')).toContain('No case matches these filters.');
    await page.selectOption('#case-status', '');
    await page.selectOption('#case-region', '');

    // Pages: the next page starts where the first ended; back again.
    await expect.poll(() => page.textContent('#case-count')).toBe('10,000');
    const first = await caseIds(page);
    await page.click('#case-next');
    await expect.poll(() => page.textContent('#case-page')).toBe('page 2 of 200');
    const second = await caseIds(page);
    expect(second).toEqual(
      x.cases
        .map((c) => c.id)
        .reverse()
        .slice(50, 100),
    );
    await page.click('#case-prev');
    await expect.poll(() => caseIds(page)).toEqual(first);

    // Search by case id (any part of it).
    const target = x.cases[4321]!;
    await page.fill('#case-search', target.id.slice(-9));
    await expect.poll(() => caseIds(page)).toEqual([target.id]);
    await page.fill('#case-search', '');
    await expect.poll(() => page.textContent('#case-count')).toBe('10,000');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('walks the cases with the keyboard', async () => {
    const { page } = await open(x.s.keys.analyst);
    const ids = await caseIds(page);
    await page.focus('#case-list li.case[tabindex="0"]');
    const focused = () => page.evaluate<string | null>(`document.activeElement?.getAttribute('data-case') ?? null`);
    expect(await focused()).toBe(ids[0]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(ids[2]);
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(ids[1]);
    await page.keyboard.press('End');
    expect(await focused()).toBe(ids[49]);
    await page.keyboard.press('Home');
    expect(await focused()).toBe(ids[0]);
    // Enter opens the evidence; one Tab stop for the whole list (the next Tab leaves it).
    await page.keyboard.press('Enter');
    expect(await page.locator('#case-list li.case').first().locator('details').getAttribute('open')).toBe('');
    expect(await page.locator('#case-list li.case[tabindex="0"]').count()).toBe(1);
    await page.context().close();
  });

  it('clusters the violations at country zoom and splits a cluster when asked', async () => {
    const { page, errors } = await open(x.s.keys.analyst);
    await page.waitForSelector('#map[data-state=ready]', { timeout: 20_000 });
    await expect.poll(() => page.getAttribute('#map', 'data-violation-count'), { timeout: 20_000 }).toBe('5000');
    await expect
      .poll(async () => Number(await page.getAttribute('#map', 'data-cluster-count')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(Number(await page.getAttribute('#map', 'data-zoom'))).toBeLessThan(7);
    // 5,000 points at country zoom: a few dozen clusters and hardly a lone point.
    expect(Number(await page.getAttribute('#map', 'data-cluster-count'))).toBeLessThan(100);
    expect(Number(await page.getAttribute('#map', 'data-point-count'))).toBeLessThan(50);
    expect(await page.textContent('#window-summary')).toMatch(/The newest 5,000 violations .* ending at the newest/);
    // An advance across the line, in the package's words: which party's side, not "right of".
    await page.locator('#violation-list li', { hasText: 'no-advance' }).first().locator('a').click();
    const popup = page.locator('.maplibregl-popup-content');
    await expect
      .poll(() => popup.textContent(), { timeout: 15_000 })
      .toMatch(/side\s*on the UA-held side of contact-line, 2\.5 km from it; 2\.5 km beyond the line/);
    await page.locator('.maplibregl-popup-close-button').click();
    await page.evaluate(`globalThis.guarantorMap.jumpTo({ zoom: 5.2, center: [34.5, 48.5] })`);
    await expect.poll(async () => Number(await page.getAttribute('#map', 'data-cluster-count'))).toBeGreaterThan(0);
    const zoom = Number(await page.getAttribute('#map', 'data-zoom'));
    await page.locator('.cluster-count').first().click();
    await expect
      .poll(async () => Number(await page.getAttribute('#map', 'data-zoom')), { timeout: 15_000 })
      .toBeGreaterThan(zoom + 0.5);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("colours the region of the newest declared breach on the public map (the 10,000th case's)", async () => {
    const { page, errors } = await open();
    expect(await page.getAttribute(`#region-list li[data-region="${x.newest.region}"]`, 'data-state')).toBe('breach');
    expect(await page.getAttribute('#region-list li[data-region="UA-23"]', 'data-state')).toBe('violations');
    await page.waitForSelector('#map[data-state=ready]', { timeout: 20_000 });
    // The map's own pixels at a point of Kharkiv oblast: the breach colour, not "violations reported".
    const rgb = async () =>
      page.evaluate(`(() => {
        const map = globalThis.guarantorMap;
        const p = map.project([35.5, 49.35]);
        const c = map.getCanvas();
        const gl = c.getContext('webgl2') || c.getContext('webgl');
        const px = new Uint8Array(4);
        const r = devicePixelRatio;
        gl.readPixels(Math.round(p.x * r), Math.round(c.height - p.y * r), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
        return [px[0], px[1], px[2]];
      })()`);
    await expect.poll(async () => ((await rgb()) as number[])[1], { timeout: 15_000 }).toBeLessThan(150);
    const [r, g] = (await rgb()) as number[];
    expect(r).toBeGreaterThan(200); // #ef6548, breach declared
    expect(g).toBeGreaterThan(70);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('works on a phone: the legend folded, nothing wider than the screen, popups inside the map', async () => {
    const { page, errors } = await open(x.s.keys.analyst, { width: 390, height: 844 });
    await page.waitForSelector('#map[data-state=ready]', { timeout: 20_000 });
    expect(await page.getAttribute('#legend', 'open')).toBeNull();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const map = (await page.locator('#map').boundingBox())!;
    expect(map.width).toBeGreaterThan(380);
    expect(map.height).toBeGreaterThan(400);
    // A violation from the list: its popup stays within the map.
    await expect.poll(() => page.locator('#violation-list a[data-violation]').count(), { timeout: 20_000 }).toBe(50);
    await page.locator('#violation-list a[data-violation]').first().click();
    const popup = page.locator('.maplibregl-popup');
    await popup.waitFor();
    await page.waitForTimeout(800); // the map eases to it
    const box = (await popup.boundingBox())!;
    const top = (await page.locator('#map').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(top.x - 1);
    expect(box.x + box.width).toBeLessThanOrEqual(top.x + top.width + 1);
    expect(box.y).toBeGreaterThanOrEqual(top.y - 1);
    expect(box.y + box.height).toBeLessThanOrEqual(top.y + top.height + 1);
    await page.click('#legend summary');
    expect(await page.getAttribute('#legend', 'open')).toBe('');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('has no serious or critical accessibility violation (axe), public, signed in and on a phone', async () => {
    const pub = await open();
    expect(await axe(pub.page)).toEqual([]);
    await pub.page.context().close();
    const desk = await open(x.s.keys.mission); // the duty officer's
    await desk.page.waitForSelector('#map[data-state=ready]', { timeout: 20_000 });
    expect(await axe(desk.page)).toEqual([]);
    await desk.page.context().close();
    const phone = await open(x.s.keys.guarantor, { width: 390, height: 844 });
    expect(await axe(phone.page)).toEqual([]);
    await phone.page.context().close();
  });
});
