/**
 * Browser end-to-end: on the demo page phone 1 (Li Wei) pays phone 2 (Wang
 * Fang) ¥12.34 online. Both balances on screen move by exactly that amount,
 * phone 2's through the live event stream without a reload; the payer's
 * history shows the receipt verified in the browser; the ledger audit stays ok.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatFen, parseYuan } from '@ecny-sim/wallet-core';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWatchedPage, type WatchedPage, waitForValue } from '../support/browser';
import { startTestServer, type TestServer, WEB_DIST } from '../support/server';

const AMOUNT = 1234;

let server: TestServer;
let browser: Browser;
let watched: WatchedPage;

beforeAll(async () => {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error('web/dist is missing: run `npm run build` first');
  server = await startTestServer({ demo: true, webDist: WEB_DIST });
  browser = await launchBrowser();
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

describe('online payment between two phones on the demo page', () => {
  it('moves ¥12.34 from phone 1 to phone 2, live, with a verified receipt', async () => {
    watched = await openWatchedPage(browser, server.url);
    const { page } = watched;
    const payer = page.getByTestId('phone-1');
    const payee = page.getByTestId('phone-2');
    await page.getByTestId('phone-3').getByTestId('balance').waitFor();
    await payer.getByTestId('balance').waitFor();
    await payee.getByTestId('balance').waitFor();
    // The payee must be listening before the payment, or there is nothing live to see.
    await payee.locator('[data-testid="stream-state"][title="open"]').waitFor();

    const payerBefore = await balanceOf(payer);
    const payeeBefore = await balanceOf(payee);
    expect(payerBefore).toBeGreaterThan(AMOUNT);
    const payeeId = (await payee.getByTestId('wallet-id').textContent())!.trim();
    expect(payeeId).toMatch(/^w_/);
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    await payer.getByTestId('tab-pay').click();
    await payer.getByTestId('pay-to').selectOption(payeeId);
    await payer.getByTestId('pay-amount').fill('12.34');
    await payer.getByTestId('pay-submit').click();
    await payer.getByTestId('pay-result').waitFor();
    expect(await payer.getByTestId('pay-receipt-verified').isVisible()).toBe(true);

    // The payee's balance moves through SSE while the page stays as it was.
    await waitForValue(() => balanceOf(payee), payeeBefore + AMOUNT, { what: "phone 2's balance" });
    expect(await payee.getByTestId('balance').textContent()).toBe(formatFen(payeeBefore + AMOUNT));
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    await payer.getByTestId('tab-home').click();
    await waitForValue(() => balanceOf(payer), payerBefore - AMOUNT, { what: "phone 1's balance" });
    expect(await payer.getByTestId('balance').textContent()).toBe(formatFen(payerBefore - AMOUNT));

    await payer.getByTestId('tab-history').click();
    const paid = payer.getByTestId('history-entry').filter({ hasText: `-${formatFen(AMOUNT)}` });
    await paid.first().waitFor();
    expect(await paid.count()).toBe(1);
    await paid.getByTestId('receipt-verified').waitFor();
    expect(await paid.getByTestId('receipt-invalid').count()).toBe(0);

    await payee.getByTestId('tab-history').click();
    const received = payee.getByTestId('history-entry').filter({ hasText: `+${formatFen(AMOUNT)}` });
    await received.getByTestId('receipt-verified').waitFor();

    const panel = page.getByTestId('issuer-panel');
    await waitForValue(async () => (await panel.getByTestId('audit-status').textContent())?.trim(), 'OK', {
      what: 'audit status',
    });

    const audit = (await (await fetch(`${server.url}/v1/audit`)).json()) as {
      ok: boolean;
      breaks: unknown[];
    };
    expect(audit.breaks).toEqual([]);
    expect(audit.ok).toBe(true);
    watched.assertNoProblems();
  });

  it('says why a payment is refused in words, translated, without fen or ledger ids', async () => {
    await watched?.context.close();
    watched = await openWatchedPage(browser, server.url, { allow: [/status of 4\d\d/] });
    const { page } = watched;
    const [p1, p2] = [page.getByTestId('phone-1'), page.getByTestId('phone-2')];
    await p1.getByTestId('balance').waitFor();
    await p2.getByTestId('balance').waitFor();
    const p1Id = (await p1.getByTestId('wallet-id').textContent())!.trim();
    const p2Id = (await p2.getByTestId('wallet-id').textContent())!.trim();
    const p1Balance = await balanceOf(p1);

    const refusal = async (phone: Locator, to: string, yuan: string) => {
      await phone.getByTestId('tab-pay').click();
      await phone.getByTestId('pay-to').selectOption(to);
      await phone.getByTestId('pay-amount').fill(yuan);
      await phone.getByTestId('pay-submit').click();
      const notice = phone.getByTestId('error');
      await notice.waitFor();
      return {
        code: await notice.getAttribute('data-code'),
        text: (await notice.getByTestId('error-message').textContent()) ?? '',
      };
    };
    const internals = /fen|wallet:|w_|tier|invalid body|Too small/i;

    const over = await refusal(p1, p2Id, formatFen(p1Balance + 100).replace(/[¥,]/g, ''));
    expect(over.code).toBe('INSUFFICIENT_FUNDS');
    expect(over.text).toBe('Not enough money in the wallet for this.');
    // Wang Fang's wallet is Category 3: ¥5,000 at most per payment.
    const limit = await refusal(p2, p1Id, '6000');
    expect(limit.code).toBe('LIMIT_PER_PAYMENT');
    expect(limit.text).toMatch(/Category/);
    for (const text of [over.text, limit.text]) expect(text).not.toMatch(internals);

    // ¥0 is refused on the phone, saying what is wrong with it rather than "check the amount".
    const zeroNotice = p1.locator('[data-testid="error"][data-code="AMOUNT_ZERO"]');
    const payZero = async (yuan: string) => {
      // A fresh pay screen each time, so the notice read is this attempt's.
      await p1.getByTestId('tab-home').click();
      await p1.getByTestId('tab-pay').click();
      expect(await zeroNotice.count()).toBe(0);
      await p1.getByTestId('pay-to').selectOption(p2Id);
      await p1.getByTestId('pay-amount').fill(yuan);
      await p1.getByTestId('pay-submit').click();
      await zeroNotice.waitFor();
      return (await zeroNotice.getByTestId('error-message').textContent()) ?? '';
    };
    expect(await payZero('0')).toBe('The amount must be more than ¥0.');
    expect(await payZero('0.00')).toBe('The amount must be more than ¥0.');

    await page.getByTestId('language-toggle').click();
    expect(await payZero('0')).toBe('金额必须大于 ¥0。');
    const zh = await refusal(p1, p2Id, formatFen(p1Balance + 100).replace(/[¥,]/g, ''));
    expect(zh.text).toBe('钱包余额不足。');
    await page.getByTestId('language-toggle').click();
    // Nothing moved.
    await p1.getByTestId('tab-home').click();
    expect(await balanceOf(p1)).toBe(p1Balance);
    watched.assertNoProblems();
  });

  it('lays out the badge and the load field without cutting their text', async () => {
    await watched?.context.close();
    // The QA pass's window size, where the phones are at their narrowest.
    watched = await openWatchedPage(browser, server.url, { viewport: { width: 1400, height: 900 } });
    const { page } = watched;
    const shop = page.getByTestId('phone-3');
    await shop.getByTestId('balance').waitFor();
    // The shop's long name beside its "Category 2" badge: the badge stays on one line, even on a
    // phone narrowed by its scroll bar (as in the QA pass) or a narrower screen.
    await shop.locator('.balance-card').evaluate((el) => {
      (el as HTMLElement).style.width = '240px';
    });
    const badgeLines = await shop.locator('.balance-holder .badge').evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
    });
    expect(badgeLines).toBe(1);
    // The "Amount to load" placeholder fits its field, in English and in Chinese.
    const load = page.getByTestId('phone-1').getByTestId('load-amount');
    const room = () =>
      load.evaluate((el) => {
        const input = el as HTMLInputElement;
        const style = getComputedStyle(input);
        const context = document.createElement('canvas').getContext('2d')!;
        context.font = style.font;
        const inner = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return inner - context.measureText(input.placeholder).width;
      });
    await load.waitFor();
    expect(await room()).toBeGreaterThanOrEqual(0);
    await page.getByTestId('language-toggle').click();
    expect(await room()).toBeGreaterThanOrEqual(0);
    await page.getByTestId('language-toggle').click();
    watched.assertNoProblems();
  });
});
