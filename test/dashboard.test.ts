/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against a real server: the example
 * package on a fresh SQLite file on an ephemeral port, seeded through the HTTP API only. One case is declared by the
 * deadline default and its automatic public report goes overdue (a response failure); a second case is open with
 * its judgment clock running. Asserts what a mission would look at, and that the page fetched nothing from outside
 * this server.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardServer, shellings, type DashboardServer } from './dashboard/server.js';

const chromiumPath = '/usr/bin/chromium';
const HOUR = 3_600_000;
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let s: DashboardServer;
let browser: Browser;
const shotDir = mkdtempSync(join(tmpdir(), 'guarantor-dashboard-shots-'));

/** Waits until `f` holds, polling: timer passes on the server run every second. */
async function until(f: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  s = await dashboardServer();
  // Case A: opens now, is declared when its 48 h deadline passes with no vote (on-deadline: declare), and its
  // automatic 12 h public report goes overdue: a response failure.
  const a = await s.post('/v1/observations', s.keys.monitor, shellings(s.now(), 'a'));
  expect(a.status, `${JSON.stringify(a.body)}\n${s.errors.join('')}`).toBe(200);
  expect((a.body as { cases: number }).cases).toBe(1);
  s.advance(49 * HOUR);
  await until(
    async () => ((await s.get('/v1/dashboard/tasks', s.keys.analyst)).body as { items: unknown[] }).items.length > 0,
    'the declaration of case A',
  );
  s.advance(13 * HOUR);
  await until(
    async () => ((await s.get('/v1/response-failures', s.keys.analyst)).body as { items: unknown[] }).items.length > 0,
    'the overdue public report',
  );
  // Case B: opens now; its clock runs.
  const b = await s.post('/v1/observations', s.keys.monitor, shellings(s.now(), 'b'));
  expect((b.body as { cases: number }).cases).toBe(1);
  browser = await chromium.launch({ executablePath: chromiumPath, args });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function open(
  viewport = { width: 1440, height: 900 },
): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(s.url + '/');
  await page.waitForSelector('#map[data-state=ready]', { timeout: 20_000 });
  return { page, requests, errors };
}

/** Distinct colours in a sample of the map's canvas: a blank or failed WebGL canvas has one or two. */
async function canvasColours(page: Page): Promise<number> {
  // A string, evaluated in the page: this file is type-checked without the DOM library.
  return page.evaluate<number>(`(() => {
    const c = document.querySelector('#map canvas.maplibregl-canvas');
    const probe = document.createElement('canvas');
    probe.width = 200;
    probe.height = 200;
    const ctx = probe.getContext('2d');
    ctx.drawImage(c, 0, 0, 200, 200);
    const d = ctx.getImageData(0, 0, 200, 200).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  })()`);
}

const outsideLocalhost = (urls: string[], base: string) =>
  urls.filter((u) => !u.startsWith(base + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));

describe('dashboard', () => {
  it('shows the public regional status on the map without a key, and nothing else', async () => {
    const { page, requests, errors } = await open();
    expect(await page.locator('#map canvas.maplibregl-canvas').count()).toBe(1);
    expect(await page.getAttribute('#map', 'data-zone-count')).toBe('7');
    expect(await page.getAttribute('#map', 'data-region-count')).toBe('27');
    expect(await page.locator('#zone-list input[data-zone]').count()).toBe(7);
    // Each zone's details without a mouse: its button frames it and opens them.
    await page.click('#zone-list button[data-show-zone="rear-ua"]');
    await expect.poll(() => page.getAttribute('#map', 'data-selected'), { timeout: 15_000 }).toBe('rear-ua');
    // Sides in words, from the package's `sides` (the right of the contact line is UA-held).
    expect(await page.textContent('.maplibregl-popup-content')).toMatch(/100 km on the UA-held side of contact-line/);
    // The test locator puts every report in Donetsk (UA-14); case A was declared and nobody acted on it yet.
    await page.waitForSelector('#region-list li[data-region="UA-14"]');
    expect(await page.getAttribute('#region-list li[data-region="UA-14"]', 'data-state')).toBe('breach');
    expect(await page.getAttribute('#region-list li[data-region="UA-46"]', 'data-state')).toBe('calm');
    expect(await page.isHidden('#cases-panel')).toBe(true);
    expect(await page.isHidden('#violations-panel')).toBe(true);
    // Polled: "ready" means the map has its data, and under load the first frame may come a moment later.
    await expect.poll(() => canvasColours(page), { timeout: 15_000, interval: 250 }).toBeGreaterThan(8);
    // No request for a case, a violation or an incident went out without a key.
    expect(requests.filter((u) => /\/v1\/(cases|violations|incidents|judgment)/.test(u))).toEqual([]);
    expect(outsideLocalhost(requests, s.url)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs in with a key, shows violations on the map, cases with a ticking clock, tasks and failures', async () => {
    const { page, requests, errors } = await open();
    await page.fill('#key-input', s.keys.analyst);
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#case-list li.case');
    expect(await page.textContent('#who-text')).toContain('analyst');

    // Two cases: B open with its clock, A decided by the deadline default.
    expect(await page.locator('#case-list li.case').count()).toBe(2);
    const clock = page.locator('#case-list li.is-open .clock[data-deadline]');
    await expect
      .poll(async () => (await clock.textContent()) ?? '', { timeout: 5000 })
      .toMatch(/^1d 2[23]h \d\dm \d\ds$/);
    const first = await clock.textContent();
    const t0 = Date.now();
    await page.waitForTimeout(2500);
    const second = await clock.textContent();
    const elapsed = Math.ceil((Date.now() - t0) / 1000);
    expect(second).not.toBe(first);
    const secs = (t: string | null) => {
      const m = /^(\d+)d (\d+)h (\d+)m (\d+)s$/.exec(t ?? '')!;
      return ((Number(m[1]) * 24 + Number(m[2])) * 60 + Number(m[3])) * 60 + Number(m[4]);
    };
    expect(secs(first) - secs(second)).toBeGreaterThanOrEqual(1);
    expect(secs(first) - secs(second)).toBeLessThanOrEqual(elapsed + 1);
    expect(await page.textContent('#case-list li.is-decided')).toContain('decided by the deadline default');
    expect(await page.textContent('#case-list li.is-open .tally')).toMatch(
      /declare\s*0\s*dismiss\s*0\s*abstain\s*0\s*of 5 eligible/,
    );

    // The overdue automatic public report: a response failure, as loud as the breach.
    expect(await page.isVisible('#failures-panel')).toBe(true);
    expect(await page.textContent('#failure-list')).toContain('Ceasefire Monitoring Mission missed public-report');
    expect(await page.locator('#task-board article[data-actor="CMM"].has-overdue').count()).toBe(1);
    expect(await page.textContent('#task-board article[data-actor="CMM"]')).toMatch(/OVERDUE/);
    expect(await page.locator('#task-board article[data-actor="UK"] li.task').count()).toBeGreaterThan(0);

    // Violations: 3 corroborated shellings per case plus a heavy-weapon sighting and a denial of access each.
    await expect.poll(async () => page.getAttribute('#map', 'data-violation-count'), { timeout: 15_000 }).toBe('10');
    expect(await page.locator('#violation-list li').count()).toBe(10);
    const clicked = await page.getAttribute('#violation-list a[data-violation]', 'data-violation');
    await page.click('#violation-list a[data-violation]');
    await expect.poll(() => page.getAttribute('#map', 'data-selected'), { timeout: 15_000 }).toBe(clicked);
    const popup = page.locator('.maplibregl-popup-content');
    await popup.waitFor();
    const text = (await popup.textContent()) ?? '';
    expect(text).toMatch(/Evidence chain/);
    expect(text).toMatch(/attribution\s*RU\s*basis: crater-analysis/);
    expect(text).toMatch(/2 independent operators \(CMM, DE\)/);
    expect(text).toMatch(/radar\/b-r2/);

    // The time window bounds what the map fetches: it ends at the newest violation; case A's reports are 62 hours
    // older than case B's, so a day's window holds B's five.
    expect(await page.textContent('#window-summary')).toMatch(/^10 violations from .* ending at the newest\.$/);
    await page.selectOption('#window-days', '1');
    await expect.poll(async () => page.getAttribute('#map', 'data-violation-count'), { timeout: 15_000 }).toBe('5');
    expect(await page.locator('#violation-list li').count()).toBe(5);
    // Slid back before any violation: it says 0 are in view and offers to widen the window.
    await page
      .locator('#window-end')
      .evaluate((el: { value: string; min: string; dispatchEvent(e: unknown): boolean }) => {
        el.value = el.min;
        el.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('change'));
      });
    await expect.poll(() => page.textContent('#window-summary'), { timeout: 15_000 }).toMatch(/^0 violations in view/);
    await page.click('#window-summary button[data-widen]');
    await expect.poll(async () => page.getAttribute('#map', 'data-violation-count'), { timeout: 15_000 }).toBe('10');
    await page.click('#window-newest');
    await page.selectOption('#window-days', '7');
    await expect.poll(async () => page.getAttribute('#map', 'data-violation-count'), { timeout: 15_000 }).toBe('10');

    // The analysis: a scorecard, one timeline per trigger, one sustainment chart per requirement.
    await page.waitForSelector('#scorecard .overall');
    expect(await page.locator('#timeline figure.timeline').count()).toBe(4);
    expect(await page.locator('#sustainment figure.sustain').count()).toBe(2);
    expect(await page.textContent('#sustainment')).toContain('Month 12');

    await page.screenshot({ path: join(shotDir, 'dashboard.png') });
    expect(outsideLocalhost(requests, s.url)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a guarantor its own tasks first and no violations (its role may not read them)', async () => {
    const { page, errors } = await open();
    await page.fill('#key-input', s.keys.guarantor);
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#task-board article');
    expect(await page.getAttribute('#task-board article:first-child', 'data-actor')).toBe('UK');
    expect(await page.isHidden('#violations-panel')).toBe(true);
    expect(await page.isVisible('#cases-panel')).toBe(true);
    // Only its own tasks carry actions.
    expect(await page.locator('#task-board article[data-actor="FR"] [data-task-action]').count()).toBe(0);
    const uk = page.locator('#task-board article[data-actor="UK"]');
    const acknowledged = await uk.locator('li.status-acknowledged').count();
    await uk.locator('button[data-task-action="acknowledge"]').first().click();
    await expect.poll(() => uk.locator('li.status-acknowledged').count(), { timeout: 15_000 }).toBe(acknowledged + 1);
    const form = uk.locator('li.status-acknowledged form[data-task-action="deliver"]').first();
    await form.locator('input[name=note]').fill('Consultations held in London, minutes ref. 12/2026');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => uk.locator('li.status-delivered').count(), { timeout: 15_000 }).toBe(1);
    expect(await uk.locator('li.status-delivered').textContent()).toContain('reported: Consultations held in London');
    // The server holds the same.
    const tasks = (await s.get('/v1/dashboard/tasks', s.keys.analyst)).body as {
      items: { actor: string; status: string; note?: string }[];
    };
    expect(tasks.items.filter((t) => t.actor === 'UK' && t.status === 'delivered').map((t) => t.note)).toEqual([
      'Consultations held in London, minutes ref. 12/2026',
    ]);
    // And the public sees a response under way in Donetsk (the regional status is recomputed at most once a second).
    await new Promise((r) => setTimeout(r, 1100));
    const regions = (await s.get('/v1/public/regions')).body as { regions: { code: string; state: string }[] };
    expect(regions.regions.find((r) => r.code === 'UA-14')?.state).toBe('response');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a guarantor the sustainment ledger: coverage month by month and open alerts, and lets it acknowledge its own', async () => {
    const pledge = {
      id: 'uk-fin',
      by: 'UK',
      requirement: 'financing',
      amount: 3e9,
      currency: 'GBP',
      per: 'year',
      from: '2026-06',
      until: '2027-03',
      form: 'political',
    };
    const r = await s.post('/v1/ledger/pledges', s.keys.guarantor, [pledge]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { page, errors } = await open();
    await page.fill('#key-input', s.keys.guarantor);
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#ledger-panel:not([hidden]) figure.ledger-chart[data-requirement="financing"]');
    expect(await page.locator('#ledger figure.ledger-chart').count()).toBe(2);
    // UK alone pledged financing: a dependence alert names UK (it may acknowledge it), a threshold alert names no one.
    const own = page.locator('#ledger li.ledger-alert[data-key="dependence/financing/UK"]');
    expect(await own.textContent()).toContain('single-guarantor dependence');
    const alerts = (
      (await s.get('/v1/ledger/alerts?state=open', s.keys.analyst)).body as {
        items: { key: string; guarantor: string | null }[];
      }
    ).items;
    expect(alerts.some((a) => a.guarantor !== 'UK')).toBe(true);
    for (const a of alerts)
      expect(await page.locator(`#ledger li.ledger-alert[data-key="${a.key}"] button.ack`).count(), a.key).toBe(
        a.guarantor === 'UK' ? 1 : 0,
      );
    await own.locator('button.ack').click();
    await expect
      .poll(
        async () =>
          (
            (await s.get('/v1/ledger/alerts?state=acknowledged', s.keys.analyst)).body as { items: { key: string }[] }
          ).items.map((a) => a.key),
        { timeout: 15_000 },
      )
      .toEqual(['dependence/financing/UK']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("gives the mission's monitor key the duty officer's whole view, its own tasks first; a feed's monitor key the regions", async () => {
    const made = await s.post('/v1/apikeys', s.keys.admin, { actor: 'CMM', role: 'monitor', label: 'mission desk' });
    expect(made.status).toBe(201);
    const { page, errors } = await open();
    await page.fill('#key-input', (made.body as { key: string }).key);
    await page.click('#key-form button[type=submit]');
    // One key: cases, violations on the map, every actor's tasks with the mission's first and its own to act on.
    await page.waitForSelector('#case-list li.case');
    await page.waitForSelector('#task-board article[data-actor="CMM"]');
    expect(await page.locator('#task-board article').count()).toBeGreaterThan(1);
    expect(await page.locator('#task-board article').first().getAttribute('data-actor')).toBe('CMM');
    expect(await page.textContent('#task-board article[data-actor="CMM"]')).toMatch(/public-report.*OVERDUE/s);
    expect(
      await page.locator('#task-board article[data-actor="CMM"] [data-task-action="deliver"]').count(),
    ).toBeGreaterThan(0);
    expect(await page.locator('#task-board article:not([data-actor="CMM"]) [data-task-action]').count()).toBe(0);
    expect(await page.isVisible('#cases-panel')).toBe(true);
    expect(await page.isVisible('#violations-panel')).toBe(true);
    expect(await page.isHidden('#monitor-note')).toBe(true);
    // The duty officer's order: the cases before the task board (a guarantor's view puts its tasks first).
    expect(await page.getAttribute('body', 'data-role')).toBe('mission');
    const top = async (sel: string) => (await page.locator(sel).boundingBox())!.y;
    expect(await top('#cases-panel')).toBeLessThan(await top('#tasks-panel'));
    expect(errors).toEqual([]);
    await page.close();

    // A guarantor's satellite feed: a monitor key bound to UK submits and reads nothing, and the page says why.
    const feed = await s.post('/v1/apikeys', s.keys.admin, { actor: 'UK', role: 'monitor', label: 'UK feed' });
    const other = await open();
    await other.page.fill('#key-input', (feed.body as { key: string }).key);
    await other.page.click('#key-form button[type=submit]');
    await other.page.waitForSelector('#monitor-note:not([hidden])');
    expect(await other.page.textContent('#monitor-note')).toMatch(/not bound to the monitoring mission/);
    expect(await other.page.isHidden('#cases-panel')).toBe(true);
    expect(await other.page.isHidden('#tasks-panel')).toBe(true);
    await other.page.waitForSelector('#region-list li[data-region="UA-14"]');
    expect(other.errors).toEqual([]);
    await other.page.close();
  });

  it('returns to the public view, saying why, when the key is revoked while the page is open', async () => {
    const made = await s.post('/v1/apikeys', s.keys.admin, { actor: '*', role: 'analyst', label: 'to revoke' });
    const { key, id } = made.body as { key: string; id: string };
    const { page } = await open();
    await page.fill('#key-input', key);
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#case-list li.case');
    const res = await fetch(`${s.url}/v1/apikeys/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${s.keys.admin}` },
    });
    expect(res.status).toBe(200);
    // The next refresh (within 30 s; the status poll every 5 s) meets the 401.
    await page.selectOption('#window-days', '30');
    await page.waitForSelector('#key-error:not([hidden])', { timeout: 40_000 });
    expect(await page.textContent('#key-error')).toContain(`Signed out: the API key ${id} was revoked`);
    expect(await page.isVisible('#public-panel')).toBe(true);
    await page.close();
  });

  it('refuses a wrong key with the server reason and stays public', async () => {
    const { page } = await open();
    await page.fill('#key-input', 'gk_000000000000_' + 'A'.repeat(43));
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#key-error:not([hidden])');
    expect(await page.textContent('#key-error')).toMatch(/Sign-in refused: the API key is not valid/);
    expect(await page.isVisible('#public-panel')).toBe(true);
    await page.close();
  });

  it('signs in from a first-time link (#key=...) and removes the key from the address bar', async () => {
    const page = await browser.newPage();
    await page.goto(`${s.url}/#key=${encodeURIComponent(s.keys.analyst)}`);
    await page.waitForSelector('#case-list li.case');
    expect(page.url()).toBe(s.url + '/');
    await page.close();
  });

  it('verifies the log checkpoint in the browser, then its consistency with the one it saw before, and catches a fork', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const signed = await s.post('/v1/log/checkpoint', s.keys.admin, undefined);
    expect(signed.status).toBe(200);
    await page.goto(s.url + '/');
    await page.waitForSelector('#log[data-state]');
    expect(await page.getAttribute('#log', 'data-state')).toBe('verified');
    expect(await page.getAttribute('#log', 'data-consistency')).toBe('first');
    expect(await page.textContent('#log')).toMatch(/signature\s*valid/);

    // The log grows (more reports, a new checkpoint): the next visit proves the new tree extends the old one.
    expect((await s.post('/v1/observations', s.keys.monitor, shellings(s.now(), 'c', 1))).status).toBe(200);
    expect((await s.post('/v1/log/checkpoint', s.keys.admin, undefined)).status).toBe(200);
    await page.reload();
    await page.waitForSelector('#log[data-state]');
    expect(await page.getAttribute('#log', 'data-consistency')).toBe('consistent');
    expect(await page.getAttribute('#log', 'data-state')).toBe('verified');

    // A browser that remembers another root at this size: a fork (or, if the server signed a larger checkpoint
    // meanwhile, a consistency proof that fails against that root), shown as a failure.
    await page.evaluate(`(() => {
      const seen = JSON.parse(localStorage.getItem('guarantor.checkpoint'));
      localStorage.setItem('guarantor.checkpoint', JSON.stringify({ ...seen, root: 'A'.repeat(43) + '=' }));
    })()`);
    await page.reload();
    await page.waitForSelector('#log[data-state]');
    expect(['fork', 'inconsistent']).toContain(await page.getAttribute('#log', 'data-consistency'));
    expect(await page.getAttribute('#log', 'data-state')).toBe('failed');
    expect(await page.textContent('#log')).toContain('VERIFICATION FAILED');
    // One that remembers a larger tree: a rollback.
    await page.evaluate(
      `localStorage.setItem('guarantor.checkpoint', JSON.stringify({ ...JSON.parse(localStorage.getItem('guarantor.checkpoint')), size: 1e9 }))`,
    );
    await page.reload();
    await page.waitForSelector('#log[data-state]');
    expect(await page.getAttribute('#log', 'data-consistency')).toBe('rollback');
    // And one that remembers a smaller tree with a wrong root: the consistency proof fails.
    await page.evaluate(
      `localStorage.setItem('guarantor.checkpoint', JSON.stringify({ ...JSON.parse(localStorage.getItem('guarantor.checkpoint')), size: 3 }))`,
    );
    await page.reload();
    await page.waitForSelector('#log[data-state]');
    expect(await page.getAttribute('#log', 'data-consistency')).toBe('inconsistent');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows cases and clocks before MapLibre has arrived on a slow link, and the map when it does', async () => {
    const page = await browser.newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/vendor/maplibre-gl.mjs', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${s.url}/#key=${encodeURIComponent(s.keys.analyst)}`);
    await page.waitForSelector('#case-list li.case .clock[data-deadline]');
    await page.waitForSelector('#task-board article');
    expect(await page.getAttribute('#map', 'data-state')).toBe('loading');
    release();
    await page.waitForSelector('#map[data-state=ready]', { timeout: 20_000 });
    // The violations fetched while the map was loading are on it once it is.
    await expect
      .poll(async () => Number(await page.getAttribute('#map', 'data-violation-count')), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(10);
    expect(await page.getAttribute('#map', 'data-violation-count')).toBe(await page.textContent('#violation-count'));
    await page.close();
  });

  it('works on a phone-sized screen', async () => {
    const { page, errors } = await open({ width: 390, height: 844 });
    // Polled: "ready" means the map has its data, and under load the first frame may come a moment later.
    await expect.poll(() => canvasColours(page), { timeout: 15_000, interval: 250 }).toBeGreaterThan(8);
    expect(errors).toEqual([]);
    await page.close();
  });
});
