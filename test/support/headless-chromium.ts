// Debian's headless Chromium for the report tests (puppeteer-core drives it): found or, under CI,
// a failure; elsewhere a skip that says why. Pages record what a self-contained report must never
// do: log an error or a warning, throw, or ask the network for anything.
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { skipBecause } from './skip.ts';

const CANDIDATES = [process.env.BROWNOUT_CHROMIUM, '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].filter((x): x is string => !!x);

/** Call in a before() hook. */
export async function launchChromium(ctx: Mocha.Context): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) {
    const why = `no headless Chromium at ${CANDIDATES.join(', ')} (apt-get install chromium-headless-shell)`;
    if (process.env.CI) throw new Error(why);
    skipBecause(ctx, why);
  }
  // Root in a container has no user namespace sandbox to offer.
  return puppeteer.launch({ executablePath, headless: 'shell', args: ['--no-sandbox', '--disable-gpu'], timeout: 30_000 });
}

/** A new page and the list its console errors and warnings, page errors and non-file requests go to. */
export async function watchedPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('request', (r) => { if (!/^(file|data|about):/.test(r.url())) problems.push(`network request: ${r.url()}`); });
  return { page, problems };
}
