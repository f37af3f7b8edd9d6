/**
 * The daily report as HTML (an SVG map, 30-day charts) and as PDF printed by Debian's Chromium: the PDF's text read
 * back with pdftotext (poppler-utils) has its page count, a count from the body, and the checkpoint in every page's
 * footer. Without Chromium, the error names the Debian package.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyReport } from '../../src/core/report/daily.js';
import { generateKey } from '../../src/server/api-keys.js';
import { PdfUnavailableError, printPdf } from '../../src/server/report-pdf.js';
import { testServer, type TestServer } from '../support/app.js';
import { traffic } from '../support/observations.js';

const NOW = Date.UTC(2026, 5, 23, 12);

describe('daily report as HTML and PDF', () => {
  let s: TestServer;
  let dir: string;
  let json: DailyReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guarantor-pdf-'));
    s = await testServer({ now: NOW });
    const monitor = generateKey('*', 'monitor', 'all sources', NOW);
    await s.store.createApiKey(monitor.record);
    const obs = traffic({ events: 900, start: Date.UTC(2026, 5, 19), gap: 6 * 60_000 });
    for (let i = 0; i < obs.length; i += 500) {
      const r = await s.app.inject({
        method: 'POST',
        url: '/v1/observations',
        headers: { authorization: `Bearer ${monitor.key}`, 'content-type': 'application/json' },
        payload: obs.slice(i, i + 500),
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const r = await s.app.inject({
      method: 'GET',
      url: '/v1/reports/daily?date=2026-06-20',
      headers: { authorization: s.auth.analyst },
    });
    json = JSON.parse(r.body) as DailyReport;
  }, 60_000);

  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders HTML with an SVG map of the day over regions and zones, and 30-day charts, nothing fetched', async () => {
    const r = await s.app.inject({
      method: 'GET',
      url: '/v1/reports/daily?date=2026-06-20&format=html',
      headers: { authorization: s.auth.analyst },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    const html = r.body;
    const map = /<svg class="map"[\s\S]*?<\/svg>/.exec(html)![0];
    // Regions of the layer (27 oblasts), the line and its buffers, and one dot per located incident of the day.
    expect((map.match(/<path /g) ?? []).length).toBeGreaterThan(27);
    expect((map.match(/r="2.2"/g) ?? []).length).toBe(json.violations!.points!.length);
    expect(json.violations!.points!.length).toBeGreaterThan(20);
    expect(html).toContain(`aria-label="all incidents in violation, ${json.violations!.daily[0]!.date} to 2026-06-20"`);
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(json.sustainment).toEqual({ status: 'ledger', alerts: [] });
  });

  it('prints an A4 PDF whose text has the page count, the body counts and the checkpoint in every footer', async () => {
    const r = await s.app.inject({
      method: 'GET',
      url: '/v1/reports/daily?date=2026-06-20&format=pdf',
      headers: { authorization: s.auth.analyst },
    });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    const file = join(dir, 'r.pdf');
    writeFileSync(file, r.rawPayload);
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    expect(pages).toBeGreaterThan(1);
    // A4 is 595 x 842 points.
    expect(info).toMatch(/Page size:\s+595\.\d* x 841\.\d*|Page size:\s+595\.\d* x 842/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const pageTexts = text.split('\f').filter((t) => t.trim());
    expect(pageTexts).toHaveLength(pages);
    const cp = json.checkpoint!;
    for (const [i, t] of pageTexts.entries()) {
      expect(t, `page ${i + 1}`).toContain(`page ${i + 1} of ${pages}`);
      expect(t.replace(/\s+/g, ''), `page ${i + 1}`).toContain(`checkpoint${cp.origin}size`.replace(/\s+/g, ''));
    }
    // The server signs a fresh checkpoint for each report when the log grew; here it did not, so it is the same.
    expect(text.replace(/\s+/g, '')).toContain(`size${cp.size}root${cp.root}`);
    expect(text).toMatch(new RegExp(`${json.violations!.total.count}\\s+incidents in violation`));
    const artillery = json.violations!.byType.find((x) => x.key === 'artillery-fire')!;
    expect(text).toMatch(new RegExp(`artillery-fire\\s+${artillery.count}\\s+${artillery.previous}`));
  }, 60_000);

  it('names the Debian package when Chromium is missing', async () => {
    await expect(printPdf('<p>x</p>', 'f', '/nonexistent/chromium')).rejects.toThrow(PdfUnavailableError);
    await expect(printPdf('<p>x</p>', 'f', '/nonexistent/chromium')).rejects.toThrow(
      /install the Debian package `chromium`/,
    );
  });
});

describe('PDF printing under load', () => {
  it('prints at most two at once and refuses a third as busy, rather than start a browser per request', async () => {
    const { maxConcurrentPrints, PdfBusyError: Busy } = await import('../../src/server/report-pdf.js');
    expect(maxConcurrentPrints).toBe(2);
    const runs = [printPdf('<p>a</p>', 'f'), printPdf('<p>b</p>', 'f'), printPdf('<p>c</p>', 'f')];
    const results = await Promise.allSettled(runs);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(Busy);
    // And once they are done, printing works again.
    expect((await printPdf('<p>d</p>', 'f')).subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);
});
