/**
 * The daily report as PDF: its HTML printed by Debian's Chromium, headless, through playwright-core (no browser is
 * downloaded: the system's `chromium` is driven). A4, page numbers and the log checkpoint in every page's footer.
 * Without Chromium the error names the Debian package to install.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { itemAt } from '../core/item-at.js';

/** Where Debian's `chromium` package puts the browser. */
export const defaultChromium = '/usr/bin/chromium';

export class PdfUnavailableError extends Error {}

/** Too many PDFs are being printed: each starts a browser, so a flood of requests (the public route) is refused. */
export class PdfBusyError extends Error {}

/** PDFs printed at once, at most; more are refused rather than queued. */
export const maxConcurrentPrints = 2;
let printing = 0;

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => itemAt({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }, c));

/** Prints `html` to an A4 PDF with "page N of M" and `footer` at the foot of every page. */
export async function printPdf(html: string, footer: string, executablePath = defaultChromium): Promise<Buffer> {
  if (!existsSync(executablePath)) {
    throw new PdfUnavailableError(
      `PDF needs Chromium, which is not installed at ${executablePath}: install the Debian package \`chromium\` (apt-get install chromium), or ask for format html`,
    );
  }
  if (printing >= maxConcurrentPrints)
    throw new PdfBusyError(`${printing} reports are being printed; try again in a few seconds`);
  printing++;
  try {
    return await print(html, footer, executablePath);
  } finally {
    printing--;
  }
}

async function print(html: string, footer: string, executablePath: string): Promise<Buffer> {
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args });
  } catch (e) {
    throw new PdfUnavailableError(
      `PDF needs Chromium, which did not start from ${executablePath} (${(e as Error).message.split('\n')[0]}): install the Debian package \`chromium\``,
    );
  }
  try {
    const page = await browser.newPage();
    // Nothing leaves the machine: the page is self-contained, and any request it might make is refused.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:7pt;width:100%;padding:0 14mm;display:flex;justify-content:space-between;font-family:monospace;color:#444"><span style="word-break:break-all;max-width:80%">${esc(footer)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
      margin: { top: '16mm', bottom: '18mm', left: '14mm', right: '14mm' },
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
