/**
 * The dashboard at scale, for its browser test, its benchmark and its screenshots: a real server (test/dashboard/
 * server.ts) holding 10,000 breach cases seeded straight through the store (test/support/case-seed.ts), opened over
 * the last 40 hours in six oblasts, one violation each. Every 600th case is declared (all of those in Donetsk), and
 * so is the newest, in Kharkiv: the public map must colour Kharkiv from that one case, the 10,000th.
 */
import type { Browser, Page } from 'playwright-core';
import { examplePackage } from '../support/app.js';
import { seedCases, type SeededCase } from '../support/case-seed.js';
import { dashboardServer, type DashboardServer } from './server.js';

const HOUR = 3_600_000;

/**
 * Opens the dashboard in a fresh context and measures the first load as the user sees it: from the start of the
 * navigation to the first page of cases on screen (signed in) or the regions listed (public), on the page's clock.
 */
export async function openDashboard(
  browser: Browser,
  url: string,
  key?: string,
  viewport = { width: 1440, height: 900 },
): Promise<{ page: Page; errors: string[]; ms: number }> {
  // A context per page: axe runs its frames in the page's own context.
  const page = await (await browser.newContext({ viewport })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/${key ? `#key=${encodeURIComponent(key)}` : ''}`);
  const shown = key ? '#case-list li.case' : '#region-list li[data-region]';
  // Typed without the DOM library (the tests' tsconfig): the page's own document and clock.
  const at = await page.waitForFunction(
    (sel) =>
      (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(sel) !==
        null && performance.now(),
    shown,
    { polling: 'raf' },
  );
  return { page, errors, ms: Math.round((await at.jsonValue()) as number) };
}

/** A point well inside each oblast, clear of the zones over the map (so a region's colour reads in a pixel). */
export const scalePlaces = [
  { region: 'UA-14', lon: 37.4, lat: 48.2 }, // Donetsk
  { region: 'UA-09', lon: 39.2, lat: 48.9 }, // Luhansk
  { region: 'UA-23', lon: 35.6, lat: 47.2 }, // Zaporizhzhia
  { region: 'UA-63', lon: 36.4, lat: 49.7 }, // Kharkiv
  { region: 'UA-65', lon: 33.6, lat: 46.7 }, // Kherson
  { region: 'UA-12', lon: 34.6, lat: 48.3 }, // Dnipropetrovsk
] as const;

export interface ScaleServer {
  s: DashboardServer;
  cases: SeededCase[];
  /** The newest case: declared, the only declared case in its region. */
  newest: SeededCase;
  /** Ids of the declared cases. */
  declared: Set<string>;
}

export async function scaleServer(n = 10_000): Promise<ScaleServer> {
  const s = await dashboardServer();
  const isDeclared = (i: number) => i === n - 1 || i % 600 === 0;
  const cases = await seedCases(s.store, examplePackage.model!, {
    n,
    now: s.now(),
    span: 40 * HOUR,
    places: scalePlaces,
    declare: (i) => isDeclared(i),
    tag: 'scale',
  });
  const newest = cases[n - 1]!;
  if (newest.region !== 'UA-63' && n === 10_000) throw new Error(`the newest case is in ${newest.region}`);
  // The server's background passes (timers, the public face's projection of the log) first meet 10,000 cases at
  // once, a backlog a running server never has; wait until they are through, so a page load measures the page.
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await s.get('/v1/status');
    if (performance.now() - t < 50) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { s, cases, newest, declared: new Set(cases.filter((_, i) => isDeclared(i)).map((c) => c.id)) };
}
