/**
 * Browser end-to-end: QR payments on the demo page, every code read from
 * pixels with jsQR.
 * - Phone 3 (a merchant) shows a dynamic QR; phone 1 photographs phone 3's
 *   screen, sees merchant and amount, pays; phone 3 sees the payment live.
 * - Phone 2 shows its signed payment code; phone 3 photographs it and
 *   charges it; phone 2's balance moves and a fresh code replaces the used one.
 * - A PNG made here with `qrcode` goes through the file input: our merchant's
 *   static code is paid, a foreign scheme's code shows its fields and a coded
 *   error.
 * - A revoked customer's payment code is refused, in words about the customer;
 *   the shop's own device is not taken for revoked.
 * Each test ends with a clean ledger audit; the timings are printed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTlv, formatFen, parseMerchantQr, parseYuan, withCrc } from '@ecny-sim/wallet-core';
import type { Browser, Locator, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWatchedPage, type WatchedPage, waitForValue } from '../support/browser';
import { startTestServer, type TestServer, WEB_DIST } from '../support/server';

let server: TestServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
let merchant: { name: string; walletId: string };

beforeAll(async () => {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error('web/dist is missing: run `npm run build` first');
  server = await startTestServer({ demo: true, webDist: WEB_DIST });
  browser = await launchBrowser();
  const demo = (await (await fetch(`${server.url}/v1/demo/wallets`)).json()) as {
    wallets: { name: string; walletId: string; role: string }[];
  };
  const first = demo.wallets.find((w) => w.role === 'merchant');
  if (!first) throw new Error('the demo world has no merchant');
  const { wallets } = await server.client.directory();
  const entry = wallets.find((w) => w.walletId === first.walletId);
  merchant = { name: entry?.merchant?.name ?? first.name, walletId: first.walletId };

  watched = await openWatchedPage(browser, server.url);
  page = watched.page;
  for (const n of [1, 2, 3]) {
    const phone = page.getByTestId(`phone-${n}`);
    await phone.getByTestId('balance').waitFor();
    await phone.locator('[data-testid="stream-state"][title="open"]').waitFor();
  }
});

afterAll(async () => {
  // Browser first, so its event streams close before the server goes away.
  await watched?.context.close();
  await browser?.close();
  await server?.close();
});

async function balanceOf(phone: Locator): Promise<number> {
  return parseYuan((await phone.getByTestId('balance').textContent()) ?? '');
}

async function goHome(phone: Locator): Promise<number> {
  await phone.getByTestId('tab-home').click();
  await phone.getByTestId('balance').waitFor();
  return balanceOf(phone);
}

async function expectAuditOk(): Promise<void> {
  const audit = (await (await fetch(`${server.url}/v1/audit`)).json()) as { ok: boolean; breaks: unknown[] };
  expect(audit.breaks).toEqual([]);
  expect(audit.ok).toBe(true);
}

const NOT_A_CODE = 'hello, not a payment';

/** The coded error wallet-core's parser gives for `text`. */
function codeOf(text: string): string {
  try {
    parseMerchantQr(text);
  } catch (e) {
    return (e as { code: string }).code;
  }
  throw new Error(`"${text}" parsed as a merchant QR`);
}

function ms(since: number): number {
  return Math.round(performance.now() - since);
}

describe('QR payments between phones on the demo page, decoded from pixels', () => {
  it('phone 1 scans the dynamic QR on phone 3 and pays it; phone 3 sees it live', async () => {
    const customer = page.getByTestId('phone-1');
    const shop = page.getByTestId('phone-3');
    const amount = 2345;
    const customerBefore = await goHome(customer);
    const shopBefore = await goHome(shop);

    await shop.getByTestId('home-receive').click();
    await shop.getByTestId('receive-amount').fill(formatFen(amount).replace(/[¥,]/g, ''));
    await shop.getByTestId('receive-create').click();
    await shop.locator('[data-testid="merchant-qr"][data-ready="true"]').waitFor();
    expect(await shop.getByTestId('receive-bill-status').getAttribute('data-status')).toBe('open');

    await customer.getByTestId('tab-scan').click();
    const scanStarted = performance.now();
    await customer.getByTestId('scan-phone-3').click();
    await customer.getByTestId('scan-merchant').waitFor();
    const decodedAfter = ms(scanStarted);
    expect(await customer.getByTestId('scan-merchant').textContent()).toBe(merchant.name);
    expect((await customer.getByTestId('scan-city').textContent())?.trim()).not.toBe('');
    expect(await customer.getByTestId('scan-amount').textContent()).toBe(formatFen(amount));
    const fields = customer.getByTestId('scan-fields');
    expect(await fields.getByTestId('scan-kind').textContent()).toBe('dynamic');
    expect(await fields.getByTestId('scan-wallet').textContent()).toBe(merchant.walletId);
    expect(await fields.getByTestId('scan-bill').textContent()).toMatch(/^b_/);
    const decodeText = (await customer.getByTestId('scan-decode-time').textContent()) ?? '';

    const confirmAt = performance.now();
    await customer.getByTestId('scan-confirm').click();
    await customer.getByTestId('scan-result').waitFor();
    const paidAfter = ms(scanStarted);
    const confirmToPaid = ms(confirmAt);
    expect(await customer.getByTestId('scan-receipt-verified').isVisible()).toBe(true);
    expect(await customer.getByTestId('scan-result').textContent()).toContain(formatFen(amount));

    // The merchant's screen learns it from the event stream.
    await shop
      .getByTestId('merchant-received')
      .filter({ hasText: formatFen(amount) })
      .waitFor();
    const merchantSawAfter = ms(scanStarted);
    await shop.locator('[data-testid="receive-bill-status"][data-status="paid"]').waitFor();

    await waitForValue(() => goHome(shop), shopBefore + amount, { what: "phone 3's balance" });
    await waitForValue(() => goHome(customer), customerBefore - amount, { what: "phone 1's balance" });

    console.log(
      `[qr timings] dynamic QR: pixels decoded on screen after ${decodedAfter} ms (${decodeText.trim()}); ` +
        `scan-to-paid ${paidAfter} ms (confirm-to-receipt ${confirmToPaid} ms); merchant saw it after ${merchantSawAfter} ms`,
    );
    await expectAuditOk();
    watched.assertNoProblems();
  });

  it('phone 3 scans the payment code on phone 2 and charges it', async () => {
    const customer = page.getByTestId('phone-2');
    const shop = page.getByTestId('phone-3');
    const amount = 888;
    const customerBefore = await goHome(customer);
    const shopBefore = await goHome(shop);

    await customer.getByTestId('home-paycode').click();
    await customer.locator('[data-testid="paycode-qr"][data-ready="true"]').waitFor();
    const seconds = Number(await customer.getByTestId('paycode-countdown').getAttribute('data-seconds'));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(40);
    const firstCodeId = await customer.getByTestId('paycode-id').textContent();
    await customer.getByTestId('paycode-refresh').click();
    await waitForValue(
      async () => (await customer.getByTestId('paycode-id').textContent()) !== firstCodeId,
      true,
      { what: 'a re-signed payment code' },
    );
    await customer.locator('[data-testid="paycode-qr"][data-ready="true"]').waitFor();
    const usedCodeId = await customer.getByTestId('paycode-id').textContent();

    await shop.getByTestId('home-charge').click();
    const scanStarted = performance.now();
    await shop.getByTestId('scan-phone-2').click();
    await shop.getByTestId('charge-code').waitFor();
    const decodedAfter = ms(scanStarted);
    expect(await shop.getByTestId('charge-payer').textContent()).toBe('Wang Fang');
    expect(await shop.getByTestId('charge-cap').textContent()).toBe(formatFen(200_000));
    // Both screens speak of the same thing, the code's expiry, and agree on it.
    const [customerValid, shopValid] = await Promise.all([
      customer.getByTestId('paycode-expires').textContent(),
      shop.getByTestId('charge-expires').textContent(),
    ]);
    const secondsIn = (s: string | null) => Number(/(\d+) s/.exec(s ?? '')?.[1]);
    expect(customerValid).toMatch(/^Code valid for \d+ s$/);
    expect(Math.abs(secondsIn(customerValid) - secondsIn(shopValid))).toBeLessThanOrEqual(2);
    expect(await shop.getByTestId('charge-code').textContent()).toMatch(/Code valid for/);
    expect(await customer.getByTestId('paycode-countdown').textContent()).toMatch(
      /Replaced by a new code in \d+ s/,
    );
    await shop.getByTestId('charge-amount').fill('8.88');
    await shop.getByTestId('charge-submit').click();
    await shop.getByTestId('charge-result').waitFor();
    const chargedAfter = ms(scanStarted);
    expect(await shop.getByTestId('charge-receipt-verified').isVisible()).toBe(true);
    expect(await shop.getByTestId('charge-result').textContent()).toContain(formatFen(amount));

    // The used code is replaced on phone 2 as soon as its ledger moves.
    await waitForValue(
      async () => (await customer.getByTestId('paycode-id').textContent()) !== usedCodeId,
      true,
      { what: 'a fresh payment code on phone 2' },
    );
    await waitForValue(() => goHome(customer), customerBefore - amount, { what: "phone 2's balance" });
    await waitForValue(() => goHome(shop), shopBefore + amount, { what: "phone 3's balance" });

    console.log(
      `[qr timings] payment code: decoded after ${decodedAfter} ms; scan-to-charged ${chargedAfter} ms`,
    );
    await expectAuditOk();
    watched.assertNoProblems();
  });

  it('decodes uploaded PNGs made with qrcode: pays our static code, refuses a foreign one', async () => {
    const customer = page.getByTestId('phone-1');
    const customerBefore = await goHome(customer);
    const { payload } = await server.client.staticQr(merchant.walletId);
    const png = await QRCode.toBuffer(payload, { type: 'png', margin: 4, scale: 6 });

    await customer.getByTestId('tab-scan').click();
    const started = performance.now();
    await customer
      .getByTestId('scan-upload')
      .setInputFiles({ name: 'shop.png', mimeType: 'image/png', buffer: png });
    await customer.getByTestId('scan-merchant').waitFor();
    expect(await customer.getByTestId('scan-merchant').textContent()).toBe(merchant.name);
    expect(await customer.getByTestId('scan-kind').textContent()).toBe('static');
    expect(await customer.getByTestId('scan-amount').count()).toBe(0);
    await customer.getByTestId('scan-pay-amount').fill('1.50');
    await customer.getByTestId('scan-confirm').click();
    await customer.getByTestId('scan-result').waitFor();
    const uploadToPaid = ms(started);
    expect(await customer.getByTestId('scan-receipt-verified').isVisible()).toBe(true);
    await waitForValue(() => goHome(customer), customerBefore - 150, { what: "phone 1's balance" });

    // The static code on phone 3's screen reads the same as the uploaded one.
    const shop = page.getByTestId('phone-3');
    await goHome(shop);
    await shop.getByTestId('home-receive').click();
    await shop.getByTestId('receive-mode-static').click();
    await shop.locator('[data-testid="merchant-qr"][data-ready="true"]').waitFor();
    await customer.getByTestId('tab-scan').click();
    await customer.getByTestId('scan-phone-3').click();
    await customer.getByTestId('scan-merchant').waitFor();
    expect(await customer.getByTestId('scan-kind').textContent()).toBe('static');
    expect(await customer.getByTestId('scan-wallet').textContent()).toBe(merchant.walletId);
    expect(await customer.getByTestId('scan-pay-amount').isVisible()).toBe(true);

    // A Thai PromptPay-style code: valid EMVCo, but no e-CNY account and another currency.
    const foreign = withCrc(
      encodeTlv('00', '01') +
        encodeTlv('01', '12') +
        encodeTlv('29', encodeTlv('00', 'A000000677010111') + encodeTlv('01', '0066812345678')) +
        encodeTlv('52', '5812') +
        encodeTlv('53', '764') +
        encodeTlv('54', '120.00') +
        encodeTlv('58', 'TH') +
        encodeTlv('59', 'Bangkok Noodles') +
        encodeTlv('60', 'Bangkok'),
    );
    await customer.getByTestId('tab-scan').click();
    await customer.getByTestId('scan-upload').setInputFiles({
      name: 'foreign.png',
      mimeType: 'image/png',
      buffer: await QRCode.toBuffer(foreign, { type: 'png', margin: 4, scale: 6 }),
    });
    await waitForValue(() => customer.getByTestId('scan-merchant').textContent(), 'Bangkok Noodles', {
      what: 'the foreign merchant',
    });
    expect(await customer.getByTestId('scan-amount').textContent()).toBe('120.00 THB');
    expect(await customer.getByTestId('scan-fields').textContent()).toContain('A000000677010111');
    expect(await customer.getByTestId('error-code').textContent()).toBe('QR_NOT_PAYABLE');
    expect(await customer.getByTestId('scan-confirm').count()).toBe(0);

    // Text that is no payment code at all.
    await customer.getByTestId('scan-upload').setInputFiles({
      name: 'text.png',
      mimeType: 'image/png',
      buffer: await QRCode.toBuffer(NOT_A_CODE, { type: 'png' }),
    });
    await waitForValue(
      async () => await customer.getByTestId('error-code').textContent(),
      codeOf(NOT_A_CODE),
      {
        what: 'the parser’s error code',
      },
    );
    expect(await customer.getByTestId('scan-merchant').count()).toBe(0);

    console.log(`[qr timings] uploaded PNG: upload-to-paid ${uploadToPaid} ms`);
    await expectAuditOk();
    watched.assertNoProblems();
  });

  it("refuses a revoked customer's payment code, and the shop's own device stays in service", async () => {
    // A page of its own, which expects the refusal Chromium logs (a 403).
    await watched.context.close();
    watched = await openWatchedPage(browser, server.url, { allow: [/status of 403/] });
    page = watched.page;
    const customer = page.getByTestId('phone-2');
    const shop = page.getByTestId('phone-3');
    await goHome(customer);
    const shopBefore = await goHome(shop);
    await customer.getByTestId('home-paycode').click();
    await customer.locator('[data-testid="paycode-qr"][data-ready="true"]').waitFor();
    // The issuer revokes the customer's device while its code is on screen.
    const demo = (await (await fetch(`${server.url}/v1/demo/wallets`)).json()) as {
      wallets: { name: string; deviceId: string }[];
    };
    const customerDevice = demo.wallets.find((w) => w.name === 'Wang Fang')?.deviceId ?? '';
    await server.ctx.store.revokeDevice(customerDevice, 'test: revoked', Date.now());

    await shop.getByTestId('home-charge').click();
    await shop.getByTestId('scan-phone-2').click();
    await shop.getByTestId('charge-code').waitFor();
    await shop.getByTestId('charge-amount').fill('1.00');
    await shop.getByTestId('charge-submit').click();
    const refused = shop.locator('[data-testid="error"][data-code="DEVICE_REVOKED"]');
    await refused.waitFor();
    expect(await refused.getByTestId('error-message').textContent()).toBe(
      'The customer’s device was revoked by the issuer: its payment code cannot be charged.',
    );
    // The refusal named no date or reason: it is the customer's revocation, not the shop's.
    await new Promise((ok) => setTimeout(ok, 1_000));
    expect(await shop.getByTestId('revoked-state').count()).toBe(0);
    expect(await goHome(shop)).toBe(shopBefore);
    expect(await shop.getByTestId('tab-pay').count()).toBe(1);
    await expectAuditOk();
    watched.assertNoProblems();
  });
});
