/**
 * Browser end-to-end: the full-page issuer console (/console).
 *
 * 1. The scenario simulator CLI runs the `double-spend` scenario against the
 *    live server (child process, --server); the console, opened from the demo
 *    page's link, lists the fraud cases it produced and a case's proof
 *    verifies in the browser.
 * 2. "Open a report": the report.json the CLI wrote shows the same figures
 *    (scenario, seed, injected = detected, audit, hash recomputed in the
 *    browser); a bad file shows an error instead.
 * 3. The dashboard's figures match GET /v1/stats and move live (without a
 *    reload) after a payment, a top-up and an issuance made through the API.
 * 4. Refusals of a request the page did not mean to send (its fraud-case
 *    list asked with an unreadable limit, or with a body) read as sentences
 *    in English and Chinese, never as bare codes.
 * The ledger audit is ok at the end.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EcnyClient, formatFen, fromBase64Url, NobleSigner, parseYuan } from '@ecny-sim/wallet-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWatchedPage, type WatchedPage, waitForValue } from '../support/browser';
import { startTestServer, type TestServer, WEB_DIST } from '../support/server';

const ROOT = resolve(import.meta.dirname, '../..');
/** 0.002 × 10,000 devices: the scenario's floor of 20 devices, a few of them tampered. */
const SCALE = '0.002';
const SEED = '1';

interface Report {
  scenario: string;
  seed: number;
  scale: number;
  audit: { ok: boolean; breaks: unknown[] };
  doubleSpends: { injected: number; detected: number; falsePositives: number } | null;
  money: { losses: number };
  reportHash: string;
}

let server: TestServer;
let browser: Browser;
let watched: WatchedPage;
let tmp: string;
let reportPath: string;
let report: Report;

beforeAll(async () => {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error('web/dist is missing: run `npm run build` first');
  server = await startTestServer({ demo: true, webDist: WEB_DIST });
  browser = await launchBrowser();
  tmp = mkdtempSync(join(tmpdir(), 'ecny-console-'));
  reportPath = join(tmp, 'report.json');
});

afterAll(async () => {
  // Browser first, so its event stream closes before the server goes away.
  await watched?.context.close();
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs the simulator CLI as a child process; resolves with its exit code and output. */
function runSimulator(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => ok({ code, output }));
  });
}

const text = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).first().textContent()) ?? '').trim();

describe('issuer console', () => {
  it('lists the fraud cases of a double-spend scenario run against the live server, proofs verified', async () => {
    // From the demo page's compact panel to the full console.
    watched = await openWatchedPage(browser, server.url);
    const { page } = watched;
    await page.getByTestId('open-console').click();
    await page.waitForURL(`${server.url}/console`);
    await page.getByTestId('console-dashboard').waitFor();
    await page.locator('[data-testid="console-stream"][title="open"]').waitFor();
    expect(await page.getByTestId('fraud-case').count()).toBe(0);

    const sim = await runSimulator([
      'server/src/sim/cli.ts',
      'double-spend',
      '--scale',
      SCALE,
      '--seed',
      SEED,
      '--server',
      server.url,
      '--admin-token',
      server.ctx.adminToken,
      '--out',
      reportPath,
    ]);
    expect(sim.code, sim.output).toBe(0);
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    expect(report.scenario).toBe('double-spend');
    const ds = report.doubleSpends!;
    expect(ds.injected).toBeGreaterThan(0);
    expect(ds.detected).toBe(ds.injected);
    expect(ds.falsePositives).toBe(0);

    // The console learns of the cases live (fraud.detected on the public stream) and lists them all.
    const { cases } = await server.client.fraudCases(100);
    expect(cases.length).toBeGreaterThan(0);
    const expected = Math.min(cases.length, 50);
    await waitForValue(() => page.getByTestId('fraud-case').count(), expected, {
      timeout: 15_000,
      what: 'fraud cases listed',
    });
    await waitForValue(() => text(page, 'dash-fraud'), String(expected), { what: 'dashboard fraud count' });
    // Double-spend money: recovered, compensated and what is left, never a negative loss.
    // All the cases' recoveries (the list shows the newest 50), and the loss accounts holding
    // recoveries less compensations.
    const stats = (await server.client.stats()) as { losses: number };
    const recovered = cases.reduce((sum, c) => sum + c.recovered, 0);
    await waitForValue(() => text(page, 'losses-recovered'), formatFen(recovered), { what: 'recovered' });
    await waitForValue(() => text(page, 'losses-compensated'), formatFen(recovered - stats.losses), {
      what: 'compensated',
    });
    const left = page.getByTestId('losses-left').first();
    expect(await left.getAttribute('data-kind')).toBe(stats.losses > 0 ? 'held' : 'loss');
    expect(await text(page, 'losses-left-amount')).toBe(formatFen(Math.abs(stats.losses)));
    expect(await left.textContent()).toMatch(
      stats.losses > 0 ? /Held against claims still open/ : /Net fraud loss/,
    );
    expect(await page.getByTestId('fraud-losses').first().textContent()).not.toMatch(/-¥|¥-/);
    expect(await text(page, 'losses-explain')).not.toBe('');
    const newest = cases[0]!;
    const row = page.locator(`[data-testid="fraud-case"][data-case="${newest.caseId}"]`);
    // The culprit by its wallet's name from the directory (no phone here holds the device); the
    // device id on hover.
    const { wallets } = await server.client.directory();
    const culpritWallet = wallets.find((w) => w.walletId === newest.culprit.walletId);
    expect(culpritWallet).toBeDefined();
    const culpritName = culpritWallet!.merchant?.name ?? culpritWallet!.displayName;
    expect(await row.locator('.party').textContent()).toBe(culpritName);
    expect(await row.locator('.party').getAttribute('title')).toBe(newest.culprit.deviceId);

    await row.click();
    const detail = page.getByTestId('fraud-detail');
    await detail.waitFor();
    await waitForValue(() => text(page, 'proof-verified'), 'verified', { what: 'proof check' });
    // The device itself is known to no phone on this page: a short id, in full on hover.
    const device = detail.getByTestId('fraud-culprit-device');
    expect(await device.getAttribute('title')).toBe(newest.culprit.deviceId);
    expect(await device.textContent()).toBe(
      `${newest.culprit.deviceId.slice(0, 8)}…${newest.culprit.deviceId.slice(-4)}`,
    );
    expect(await text(page, 'fraud-culprit-wallet')).toBe(culpritName);
    expect(await text(page, 'fraud-coin')).toBe(newest.coinId);
    expect(await text(page, 'fraud-amount')).toBe(formatFen(newest.amount));
    watched.assertNoProblems();
  }, 300_000);

  it('opens the report the simulator wrote and shows its figures; a bad file shows an error', async () => {
    const { page } = watched;
    const upload = page.getByTestId('report-upload');

    // Not JSON, then JSON that is not a report.
    await upload.setInputFiles({
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{oops'),
    });
    await page.getByTestId('report-error').waitFor();
    expect(await page.getByTestId('report-view').count()).toBe(0);
    expect(await text(page, 'report-error')).toContain('not JSON');
    const wrong = { ...report, money: { issued: 'lots' }, reportHash: 'abc' };
    await upload.setInputFiles({
      name: 'wrong.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(wrong)),
    });
    await waitForValue(async () => (await text(page, 'report-error')).includes('wrong.json'), true, {
      what: 'error for wrong.json',
    });
    const problems = await text(page, 'report-error');
    expect(problems).toContain('money.issued');
    expect(problems).toContain('reportHash');

    // The real report.
    await upload.setInputFiles(reportPath);
    const view = page.getByTestId('report-view');
    await view.waitFor();
    expect(await page.getByTestId('report-error').count()).toBe(0);
    const ds = report.doubleSpends!;
    expect(await text(page, 'report-scenario')).toBe('double-spend');
    expect(await text(page, 'report-seed')).toBe(String(report.seed));
    expect(await text(page, 'report-scale')).toBe(String(report.scale));
    expect(await page.getByTestId('report-audit').getAttribute('data-ok')).toBe(String(report.audit.ok));
    expect(await text(page, 'report-ds-injected')).toBe(ds.injected.toLocaleString('en-US'));
    expect(await text(page, 'report-ds-detected')).toBe(ds.detected.toLocaleString('en-US'));
    expect(await text(page, 'report-ds-false-positives')).toBe('0');
    expect(await text(page, 'report-doublespends')).toContain('all detected');
    expect(await text(page, 'report-hash')).toBe(report.reportHash);
    // The browser recomputed the hash from the figures in the file.
    expect(await page.getByTestId('report-hash-check').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('report-chart-money').locator('svg').count()).toBeGreaterThan(0);
    // The money chart's axis ticks come from the data's range and are signed like the figures.
    const tickLabels = page
      .getByTestId('report-chart-money')
      .locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await waitForValue(async () => (await tickLabels.count()) > 1, true, { what: 'money chart axis ticks' });
    const ticks = await tickLabels.allTextContents();
    for (const tick of ticks) expect(tick).toMatch(/^-?¥[\d.]+[KMB]?$/);
    expect(ticks.filter((tick) => tick.startsWith('-'))).toEqual([]);
    // The report's loss line is never a negative loss: held money or a net loss, as a positive figure.
    const lossRow = page.getByTestId('report-money-losses');
    expect(await lossRow.textContent()).toBe(formatFen(Math.abs(report.money.losses)));
    expect(await text(page, 'report-money')).toMatch(
      report.money.losses < 0 ? /Held against claims still open/ : /Net fraud loss/,
    );

    // A figure edited by hand no longer matches the hash.
    const edited = {
      ...JSON.parse(readFileSync(reportPath, 'utf8')),
      doubleSpends: { ...ds, detected: ds.detected + 1 },
    };
    await upload.setInputFiles({
      name: 'edited.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(edited)),
    });
    await waitForValue(() => page.getByTestId('report-view').getAttribute('data-file'), 'edited.json', {
      what: 'edited report shown',
    });
    expect(await page.getByTestId('report-hash-check').getAttribute('data-ok')).toBe('false');
    watched.assertNoProblems();
  });

  it('shows the figures of GET /v1/stats and moves live after a payment, a top-up and an issuance', async () => {
    const { page } = watched;
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const shown = async () => ({
      issued: parseYuan(await text(page, 'dash-issued')),
      online: parseYuan(await text(page, 'dash-online')),
      offlineOutstanding: parseYuan(await text(page, 'dash-offline')),
      restricted: parseYuan(await text(page, 'dash-restricted')),
    });
    const fromServer = async () => {
      const s = (await server.client.stats()) as Record<string, number>;
      return {
        issued: s.issued!,
        online: s.online!,
        offlineOutstanding: s.offlineOutstanding!,
        restricted: s.restricted!,
      };
    };
    const matches = async () => JSON.stringify(await shown()) === JSON.stringify(await fromServer());
    await waitForValue(matches, true, { what: 'dashboard = GET /v1/stats' });
    const before = await fromServer();
    expect(before.issued).toBeGreaterThan(0);
    expect(await page.getByTestId('dash-chart-money').locator('svg').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('dash-chart-tpm').locator('svg').count()).toBeGreaterThan(0);
    // No per-minute history on the server: the chart says it counts from the page's opening, and
    // plots no minute before it.
    const tpmChart = page.getByTestId('dash-chart-tpm');
    expect(await tpmChart.locator('figcaption').textContent()).toMatch(/since this page opened/);
    const openedMinute = await page.evaluate(() => {
      const t = performance.timeOrigin;
      return new Date(t).toTimeString().slice(0, 5);
    });
    const minuteLabels = tpmChart.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await waitForValue(async () => (await minuteLabels.count()) > 0, true, { what: 'minute axis ticks' });
    const minutes = await minuteLabels.allTextContents();
    for (const m of minutes) expect(m >= openedMinute || openedMinute > '23:50').toBe(true);
    expect(await text(page, 'dash-pools')).toMatch(/^¥/);
    expect(await page.locator('.dash-tile', { has: page.getByTestId('dash-pools') }).textContent()).toMatch(
      /lucky-money/,
    );

    // Two demo wallets, driven through the API with their keys.
    const { wallets } = (await server.client.request('GET', '/demo/wallets')) as {
      wallets: { walletId: string; deviceId: string; secretKey: string; role: string }[];
    };
    const [payer, payee] = wallets.filter((w) => w.role === 'person');
    expect(payer && payee).toBeTruthy();
    const client = new EcnyClient({ baseUrl: server.url }).as({
      deviceId: payer!.deviceId,
      signer: new NobleSigner(fromBase64Url(payer!.secretKey)),
    });

    // A payment: a public ledger.activity event, counted in transactions per minute and listed.
    const AMOUNT = 321;
    await client.pay(payer!.walletId, payee!.walletId, AMOUNT);
    const dashboard = page.getByTestId('console-dashboard');
    await dashboard
      .getByTestId('activity-item')
      .filter({ hasText: formatFen(AMOUNT) })
      .first()
      .waitFor();
    expect(Number(await text(page, 'dash-tpm'))).toBeGreaterThanOrEqual(1);

    // A top-up (vault -> wallet) publishes only a wallet-scoped event: the dashboard's polling shows it.
    const TOP_UP = 50_000;
    await client.topUp(payer!.walletId, TOP_UP);
    await waitForValue(async () => (await shown()).online, before.online + TOP_UP, {
      what: 'online after the top-up',
    });

    // An issuance to an operator: circulation grows, live.
    const ISSUE = 1_000_000;
    await server.admin.request('POST', '/admin/issue', {
      auth: 'admin',
      body: { requestId: 'rq_console_e2e_1', operatorId: 'op_icbc', amount: ISSUE },
    });
    await waitForValue(async () => (await shown()).issued, before.issued + ISSUE, {
      what: 'issued after the issuance',
    });
    await waitForValue(matches, true, { what: 'dashboard = GET /v1/stats after the changes' });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    // GET /v1/audit is public: no token.
    const audit = await server.client.request<{ ok: boolean; breaks: unknown[] }>('GET', '/audit');
    expect(audit.breaks).toEqual([]);
    expect(audit.ok).toBe(true);
    await waitForValue(() => text(page, 'dash-audit'), 'OK', {
      timeout: 20_000,
      what: 'audit on the dashboard',
    });
    watched.assertNoProblems();
  });

  it("says in words when the server cannot read a page's request (INVALID_QUERY, BODY_NOT_ALLOWED)", async () => {
    await watched.context.close();
    // Chromium logs the 400s this test provokes.
    watched = await openWatchedPage(browser, `${server.url}/console`, { allow: [/status of 400/] });
    const { page } = watched;
    const list = /\/v1\/fraud-cases\?/;
    const refusal = async (code: string) => {
      const notice = page.getByTestId('fraud-cases').locator(`[data-testid="error"][data-code="${code}"]`);
      await notice.waitFor({ timeout: 15_000 });
      return ((await notice.getByTestId('error-message').textContent()) ?? '').trim();
    };
    const inChinese = async (code: string) => {
      await page.getByTestId('language-toggle').click();
      const zh = await refusal(code);
      await page.getByTestId('language-toggle').click();
      return zh;
    };

    // The fraud-case list asked with a limit the server cannot read: the real server's INVALID_QUERY.
    await page.route(list, (route) =>
      route.continue({
        url: route
          .request()
          .url()
          .replace(/limit=\d+/, 'limit=many'),
      }),
    );
    await page.reload();
    expect(await refusal('INVALID_QUERY')).toBe(
      'The server could not read what this page asked for; nothing was changed. Reload the page and try again.',
    );
    expect(await inChinese('INVALID_QUERY')).toBe(
      '服务器无法识别本页面的查询参数，未做任何更改。请刷新页面后重试。',
    );

    // The same read carrying a body, which a GET may not: the real server's BODY_NOT_ALLOWED.
    await page.unroute(list);
    await page.route(list, (route) =>
      route.continue({
        postData: '{"limit":50}',
        headers: { ...route.request().headers(), 'content-type': 'application/json' },
      }),
    );
    await page.reload();
    expect(await refusal('BODY_NOT_ALLOWED')).toBe(
      'The server refused a read that carried data it does not take; nothing was changed. Reload the page and try again.',
    );
    expect(await inChinese('BODY_NOT_ALLOWED')).toBe(
      '服务器拒绝了一个附带多余数据的查询请求，未做任何更改。请刷新页面后重试。',
    );

    // Asked as the page means to, the list is back.
    await page.unroute(list);
    await page.reload();
    await page.getByTestId('fraud-cases').waitFor();
    await waitForValue(async () => page.getByTestId('fraud-cases').getByTestId('error').count(), 0, {
      what: 'the list without a refusal',
    });
    const { cases } = await server.client.fraudCases(50);
    await waitForValue(() => page.getByTestId('fraud-case').count(), cases.length, {
      what: 'the cases listed',
    });
    watched.assertNoProblems();
  });
});
