/**
 * Headless Chromium for browser end-to-end tests, driven by playwright-core
 * against the distribution's browser (/usr/bin/chromium, or CHROMIUM_PATH).
 * Pages are watched: any console error or uncaught page error is recorded so
 * a test can fail on it.
 */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far, as text. */
  problems: string[];
  /** Throws with every recorded problem, if there are any. */
  assertNoProblems(): void;
}

/** Opens `url` in a fresh context (empty storage, so fresh IndexedDB) and records errors. */
export async function openWatchedPage(
  browser: Browser,
  url: string,
  options: {
    viewport?: { width: number; height: number };
    /** Problems a test provokes on purpose (e.g. Chromium logging a 422 it asked for). */
    allow?: RegExp[];
  } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const record = (problem: string) => {
    if (!options.allow?.some((pattern) => pattern.test(problem))) problems.push(problem);
  };
  page.on('console', (message) => {
    if (message.type() === 'error') record(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => record(`pageerror: ${error.message}`));
  await page.goto(url);
  return {
    context,
    page,
    problems,
    assertNoProblems() {
      if (problems.length > 0) throw new Error(`browser reported problems:\n${problems.join('\n')}`);
    },
  };
}

/** Polls `read` until it returns `expected` (by ===) or the timeout passes; returns the last value read. */
export async function waitForValue<T>(
  read: () => Promise<T>,
  expected: T,
  { timeout = 10_000, interval = 100, what = 'value' } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T = await read();
  while (last !== expected) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}: expected ${String(expected)}, last saw ${String(last)}`,
      );
    }
    await new Promise((ok) => setTimeout(ok, interval));
    last = await read();
  }
  return last;
}
