import { Inject, Injectable } from '@nestjs/common';
import { chromium } from 'playwright-core';
import { findBrowser } from '#browser';
import { consoleConfig, type ConsoleSettings } from '#config';

/** The PDF could not be made: no browser found (CHROMIUM_PATH, Debian's, @sparticuz/chromium's), or it failed to start (503). */
export class PdfUnavailableError extends Error {
  override readonly name = 'PdfUnavailableError';
}

/**
 * Prints a page of the console to PDF with headless Chromium (playwright-core). The browser is found
 * as everything of the bus that prints or draws finds it (#browser): CHROMIUM_PATH, else Debian's
 * /usr/bin/chromium, else the one npm's @sparticuz/chromium ships — nothing is downloaded. The page is handed over as HTML with a base
 * URL of the console itself, so it loads the console's own Chinese web font (the PDF's text is
 * right without CJK fonts on the machine) and nothing from anywhere else.
 */
@Injectable()
export class PdfPrinter {
  constructor(@Inject(consoleConfig.KEY) private readonly settings: ConsoleSettings) {}

  /** The console as the browser beside it reaches it: its own port on loopback. */
  private get baseUrl(): string {
    const host = ['0.0.0.0', '::', ''].includes(this.settings.host) ? '127.0.0.1' : this.settings.host.includes(':') ? `[${this.settings.host}]` : this.settings.host;
    return `http://${host}:${this.settings.port}/`;
  }

  async print(pageHtml: string): Promise<Buffer> {
    const baseUrl = this.baseUrl;
    let found;
    try {
      found = await findBrowser({ path: this.settings.chromium.path, args: this.settings.chromium.args });
    } catch (error) {
      throw new PdfUnavailableError((error as Error).message);
    }
    let browser;
    try {
      browser = await chromium.launch({
        executablePath: found.executablePath,
        args: [...found.args, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    } catch (error) {
      const where = found.source === 'CHROMIUM_PATH' ? `${found.executablePath} (CHROMIUM_PATH)` : `${found.executablePath} (${found.source}; set CHROMIUM_PATH to choose another)`;
      throw new PdfUnavailableError(`no headless Chromium at ${where}: ${(error as Error).message.split('\n')[0]}`);
    }
    try {
      const page = await browser.newPage();
      // Only the console's own assets (the font); anything else a page might name is not fetched.
      await page.route('**/*', (route) => (route.request().url().startsWith(baseUrl) ? route.continue() : route.abort()));
      // A page of the console's own origin first: the fonts are then same-origin (no CORS for @font-face).
      await page.goto(`${baseUrl}health/live`);
      await page.setContent(pageHtml.replace('<head>', `<head><base href="${baseUrl}">`), { waitUntil: 'networkidle' });
      await page.evaluate(() => document.fonts.ready);
      return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
    } finally {
      await browser.close();
    }
  }
}
