/**
 * Browser end-to-end: red envelopes and lucky money on the demo page.
 * - The issuer console creates a campaign (¥200 × 2, Shenzhen residents,
 *   spendable at phone 3's shop) with a registration window of a few
 *   seconds; phones 1 and 2 register in their UI, phone 3 (a Luohu merchant)
 *   is refused with CAMPAIGN_REGION; the console draws once registration has
 *   closed; phone 1 verifies the draw in the browser (wallet-core
 *   drawWinners / verifyDraw over the public registration list), opens its
 *   envelope, sees the restricted balance apart on Home, is refused
 *   (RESTRICTED_PERSON) when paying a person with red-envelope money only,
 *   then pays the shop with it and sees the restricted balance drop.
 * - Lucky money: phone 1 sends ¥10 in 3 random shares to the group; phones 2
 *   and 3 grab, then phone 1 takes the last share; the amounts shown add up
 *   to ¥10.00 and the best luck is marked.
 * - When the spending window has closed the console reclaims the unspent
 *   money and the funnel shows it; a second campaign (run over the API)
 *   spent to the fen is reclaimed with nothing left; after a reload both
 *   still read reclaimed, dated as the server keeps it.
 * Each step ends with a clean ledger audit; the timings are printed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatFen, parseYuan } from '@ecny-sim/wallet-core';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWatchedPage, type WatchedPage, waitForValue } from '../support/browser';
import { startTestServer, type TestServer, WEB_DIST } from '../support/server';

/** Registration stays open this long after the console creates the campaign. */
const REGISTRATION_SECONDS = 10;
/** Spending window, from the close of registration. */
const SPEND_SECONDS = 25;
const PRIZE = 20_000;
const SPENT = 3_500;
const LUCKY_TOTAL = 1_000;
/** The prize of the campaign spent to the fen (the reclaim with nothing left). */
const SPENT_PRIZE = 800;

let server: TestServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
const walletOf: Record<number, string> = {};
let campaignId = '';
let spendUntil = 0;

beforeAll(async () => {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error('web/dist is missing: run `npm run build` first');
  server = await startTestServer({ demo: true, webDist: WEB_DIST });
  browser = await launchBrowser();
  // Refusals this test provokes on purpose: Chromium logs the 403 (CAMPAIGN_REGION) and 422 (RESTRICTED_PERSON).
  watched = await openWatchedPage(browser, server.url, {
    allow: [/status of 403 \(Forbidden\)/, /status of 422 \(Unprocessable Entity\)/],
  });
  page = watched.page;
  for (const n of [1, 2, 3]) {
    const phone = page.getByTestId(`phone-${n}`);
    await phone.getByTestId('balance').waitFor();
    await phone.locator('[data-testid="stream-state"][title="open"]').waitFor();
    walletOf[n] = (await phone.getByTestId('wallet-id').textContent())!.trim();
  }
});

afterAll(async () => {
  await watched?.context.close();
  await browser?.close();
  await server?.close();
});

async function balanceOf(phone: Locator, testId = 'balance'): Promise<number> {
  return parseYuan((await phone.getByTestId(testId).first().textContent()) ?? '');
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

/** With E2E_SCREENSHOTS=<dir>, saves the page at a few steps (to look at the envelope, the funnel, the chat). */
async function snapshot(name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, `red-envelopes-${name}.png`), fullPage: true });
}

function ms(since: number): number {
  return Math.round(performance.now() - since);
}

/** A campaign's life in its own order: the timeline keeps it for points shown at the same second. */
const LIFECYCLE = ['created', 'opens', 'closes', 'drawn', 'spendFrom', 'spendUntil', 'reclaimed'];

/** The console timeline's points as shown, each with the time it shows ('—' or '✓' when it has none). */
async function timeline(card: Locator): Promise<{ point: string; time: string }[]> {
  return card.locator('[data-testid="campaign-timeline"] li').evaluateAll((items) =>
    items.map((li) => ({
      point: li.getAttribute('data-point') ?? '',
      time: li.querySelector('.muted')?.textContent ?? '',
    })),
  );
}

/** Times never go back, and points of the same second read in the campaign's own order. */
function expectTimelineInOrder(points: { point: string; time: string }[]): void {
  const timed = points.filter((p) => /\d\d:\d\d:\d\d$/.test(p.time));
  expect([...timed].map((p) => p.time).sort()).toEqual(timed.map((p) => p.time));
  for (let i = 1; i < timed.length; i++) {
    if (timed[i]!.time !== timed[i - 1]!.time) continue;
    expect(LIFECYCLE.indexOf(timed[i]!.point)).toBeGreaterThan(LIFECYCLE.indexOf(timed[i - 1]!.point));
  }
}

/** The console's timeline time of `point`, as shown ('—' when it has none). */
async function pointTime(card: Locator, point: string): Promise<string> {
  return (await card.locator(`[data-point="${point}"] .muted`).textContent()) ?? '';
}

/** `at` as the console shows a time, formatted in the page (its clock and time zone). */
async function shownTime(at: number): Promise<string> {
  return page.evaluate((ms) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getMonth() + 1}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }, at);
}

/**
 * A second campaign, run over the API: its one winner spends the whole prize at phone 3's shop, so
 * when spending closes there is nothing left to reclaim (and no ledger entry shows the reclaim).
 */
async function campaignSpentToTheFen(): Promise<{ id: string; spendUntil: number }> {
  const now = Date.now();
  const closes = now + 2_000;
  const { campaign } = await server.admin.createCampaign({
    name: 'E2E spent to the fen',
    budget: SPENT_PRIZE,
    amount: SPENT_PRIZE,
    count: 1,
    registrationOpensAt: now - 1_000,
    registrationClosesAt: closes,
    eligibility: {},
    merchantRule: { walletIds: [walletOf[3]!] },
    spendFrom: closes,
    spendUntil: closes + 4_000,
    offlineTrialQuota: 0,
  });
  const id = campaign.campaignId;
  const winner = await server.openWallet({ displayName: 'E2E winner' });
  await winner.client.registerForCampaign(id);
  await new Promise((ok) => setTimeout(ok, Math.max(0, closes - Date.now()) + 200));
  await server.admin.drawCampaign(id);
  await winner.client.claimCampaignPrize(id);
  const paid = await winner.client.payWithRestricted(winner.walletId, walletOf[3]!, SPENT_PRIZE);
  expect(paid.fromRestricted).toEqual([{ campaignId: id, amount: SPENT_PRIZE }]);
  return { id, spendUntil: campaign.spendUntil };
}

async function openCampaign(phone: Locator): Promise<void> {
  await goHome(phone);
  await phone.getByTestId('home-campaigns').click();
  await phone.locator(`[data-testid="campaign-item"][data-campaign-id="${campaignId}"]`).click();
  await phone.locator(`[data-testid="campaign-detail"][data-campaign-id="${campaignId}"]`).waitFor();
}

describe('red envelopes and lucky money on the demo page', () => {
  it('console creates a campaign; phones register, verify the draw, open the envelope and pay the shop', async () => {
    const started = performance.now();
    const issuer = page.getByTestId('console-campaigns');
    const [p1, p2, p3] = [1, 2, 3].map((n) => page.getByTestId(`phone-${n}`)) as [Locator, Locator, Locator];

    // The issuer creates the campaign in the console.
    await issuer.getByTestId('console-campaign-new').click();
    const form = issuer.getByTestId('console-campaign-create');
    await form.getByTestId('cc-name').fill('E2E Luohu red envelopes');
    await form.getByTestId('cc-amount').fill(formatFen(PRIZE).replace(/[¥,]/g, ''));
    await form.getByTestId('cc-count').fill('2');
    await form.getByTestId('cc-reg-seconds').fill(String(REGISTRATION_SECONDS));
    await form.getByTestId('cc-spend-seconds').fill(String(SPEND_SECONDS));
    await form.getByTestId('cc-elig-regions').fill('Shenzhen');
    await form.getByTestId(`cc-merchant-${walletOf[3]}`).check();
    await form.getByTestId('cc-submit').click();
    const card = issuer.locator('[data-testid="console-campaign"]', { hasText: 'E2E Luohu red envelopes' });
    await card.waitFor();
    campaignId = (await card.getAttribute('data-campaign-id'))!;
    const created = performance.now();
    const { campaign } = await server.client.campaign(campaignId);
    expect(campaign.merchantRule.walletIds).toEqual([walletOf[3]]);
    expect(campaign.eligibility).toEqual({ regions: ['Shenzhen'], residentsOnly: true });
    expect(campaign.prizes).toEqual([{ amount: PRIZE, count: 2 }]);
    spendUntil = campaign.spendUntil;
    // Registration opens "now": the form stamps it a moment before the server stamps the creation.
    // In the same second the timeline still reads "created" first, then "registration opens".
    const justCreated = await timeline(card);
    expectTimelineInOrder(justCreated);
    if (Math.floor(campaign.registrationOpensAt / 1000) === Math.floor(campaign.createdAt / 1000)) {
      expect(justCreated.slice(0, 2).map((p) => p.point)).toEqual(['created', 'opens']);
    }

    // Phones 1 and 2 (Shenzhen residents) register; phone 3 (a shop in Luohu) is refused with its reason.
    for (const phone of [p1, p2]) {
      await openCampaign(phone);
      await phone.getByTestId('campaign-register').click();
      await phone.getByTestId('campaign-registered').waitFor();
    }
    await openCampaign(p3);
    await p3.getByTestId('campaign-register').click();
    await p3.getByTestId('campaign-refusal').waitFor();
    expect(await p3.getByTestId('campaign-refusal-code').textContent()).toBe('CAMPAIGN_REGION');
    const registeredAfter = ms(created);
    await waitForValue(async () => card.getByTestId('funnel-registrants').getAttribute('data-value'), '2', {
      what: 'registrants in the console funnel',
      timeout: 10_000,
    });

    // Registration closes; the console draws.
    const draw = card.locator('[data-testid="console-draw"]:not([disabled])');
    await draw.waitFor({ timeout: (REGISTRATION_SECONDS + 10) * 1000 });
    await draw.click();
    await card.getByTestId('console-campaign-note').waitFor();
    const drawnAt = performance.now();
    const published = await server.client.campaignDraw(campaignId);
    expect(published.winners.map((w) => w.walletId).sort()).toEqual([walletOf[1], walletOf[2]].sort());

    // Phone 1 sees the draw with the revealed seed, and verifies it in the browser.
    await p1.getByTestId('draw-result').waitFor();
    const sawDrawAfter = ms(drawnAt);
    expect(await p1.getByTestId('draw-seed').textContent()).toBe(published.seed);
    expect(await p1.getByTestId('draw-commitment').textContent()).toBe(campaign.commitment);
    expect(await p1.getByTestId('draw-list-digest').textContent()).toBe(published.listDigest);
    expect(await p1.getByTestId('draw-outcome').getAttribute('data-won')).toBe('true');
    const verifyAt = performance.now();
    await p1.getByTestId('draw-verify').click();
    await p1.getByTestId('draw-verified').waitFor();
    const verifiedAfter = ms(verifyAt);
    expect(await p1.getByTestId('draw-verified').getAttribute('data-ok')).toBe('true');
    expect(await p1.getByTestId('draw-verified').textContent()).toContain('verified');

    // Phone 1 opens the envelope: the animation ends on ¥200.
    const openAt = performance.now();
    await p1.getByTestId('envelope-open').click();
    await p1.locator('[data-testid="envelope"][data-state="opened"]').waitFor();
    const openedAfter = ms(openAt);
    await snapshot('envelope');
    expect(await p1.getByTestId('envelope-amount').textContent()).toBe(formatFen(PRIZE));
    // Phone 2 opens its own too (it stays unspent and is reclaimed later).
    await p2.getByTestId('envelope-open').click();
    await p2.locator('[data-testid="envelope"][data-state="opened"]').waitFor();

    // Home shows the restricted money apart, with its countdown and where it works.
    const own = await goHome(p1);
    await waitForValue(() => balanceOf(p1, 'restricted-balance'), PRIZE, { what: 'restricted balance' });
    expect(await p1.getByTestId('restricted-expiry').textContent()).toMatch(/\d\d:\d\d:\d\d/);
    expect(await p1.getByTestId('restricted-merchants').textContent()).toContain('Luohu Noodle House');

    // Red-envelope money only, to a person: refused, with the reason.
    await p1.getByTestId('tab-pay').click();
    await p1.getByTestId('pay-restricted-available').waitFor();
    await p1.getByTestId('pay-to').selectOption(walletOf[2]!);
    await p1.getByTestId('pay-amount').fill('5');
    await p1.getByTestId('pay-restricted-only').check();
    await p1.getByTestId('pay-submit').click();
    await p1.getByTestId('restricted-refusal').waitFor();
    expect(await p1.getByTestId('restricted-refusal-code').textContent()).toBe('RESTRICTED_PERSON');
    expect(await p1.getByTestId('restricted-refusal').textContent()).toContain('merchants');

    // At the campaign's shop the red-envelope money pays first.
    await p1.getByTestId('pay-restricted-only').uncheck();
    const shopBefore = await goHome(p3);
    await p1.getByTestId('pay-to').selectOption(walletOf[3]!);
    await p1.getByTestId('pay-amount').fill(formatFen(SPENT).replace(/[¥,]/g, ''));
    const payAt = performance.now();
    await p1.getByTestId('pay-submit').click();
    await p1.getByTestId('pay-result').waitFor();
    const paidAfter = ms(payAt);
    expect(await p1.getByTestId('pay-receipt-verified').isVisible()).toBe(true);
    expect(await balanceOf(p1, 'pay-from-restricted')).toBe(SPENT);
    expect(await balanceOf(p1, 'pay-from-own')).toBe(0);

    expect(await goHome(p1)).toBe(own);
    await waitForValue(() => balanceOf(p1, 'restricted-balance'), PRIZE - SPENT, {
      what: 'restricted balance after paying',
    });
    await waitForValue(() => goHome(p3), shopBefore + SPENT, { what: "the shop's balance" });
    await snapshot('paid');

    // The console funnel follows: 2 registrants -> 2 winners -> 2 claimed -> ¥35 spent.
    await waitForValue(
      async () => card.getByTestId('funnel-spent').getAttribute('data-amount'),
      String(SPENT),
      {
        what: 'spent in the console funnel',
      },
    );
    expect(await card.getByTestId('funnel-winners').getAttribute('data-value')).toBe('2');
    expect(await card.getByTestId('funnel-claimed').getAttribute('data-value')).toBe('2');
    const stats = await server.client.campaignStats(campaignId);
    expect(stats).toMatchObject({
      registrants: 2,
      winners: 2,
      claimed: 2,
      spent: SPENT,
      merchantsReached: 1,
    });

    console.log(
      `[red-envelope timings] registrations ${registeredAfter} ms after creation; phone saw the draw after ` +
        `${sawDrawAfter} ms; in-browser verification ${verifiedAfter} ms; envelope opened (with animation) in ` +
        `${openedAfter} ms; restricted payment ${paidAfter} ms; whole step ${ms(started)} ms`,
    );
    await expectAuditOk();
    watched.assertNoProblems();
  });

  it('lucky money: phone 1 sends 3 shares, every phone grabs, the amounts add up', async () => {
    const [p1, p2, p3] = [1, 2, 3].map((n) => page.getByTestId(`phone-${n}`)) as [Locator, Locator, Locator];
    const before = { 1: await goHome(p1), 2: await goHome(p2), 3: await goHome(p3) };

    await p1.getByTestId('home-lucky').click();
    // Too much for two shares: the refusal says so in yuan, and goes away once the form is edited.
    await p1.getByTestId('lucky-total').fill('9999');
    await p1.getByTestId('lucky-shares').fill('2');
    await p1.getByTestId('lucky-send').click();
    const refusal = p1.getByTestId('lucky-form').getByTestId('error-message');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('A share holds at most ¥200.00: 2 shares take at most ¥400.00.');
    await p1.getByTestId('lucky-shares').fill('0');
    expect(await p1.getByTestId('lucky-form').getByTestId('error').count()).toBe(0);
    await p1.getByTestId('lucky-total').fill(formatFen(LUCKY_TOTAL).replace(/[¥,]/g, ''));
    await p1.getByTestId('lucky-shares').fill('3');
    await p1.getByTestId('lucky-mode').selectOption('random');
    await p1.getByTestId('lucky-memo').fill('新年快乐');
    const sentAt = performance.now();
    await p1.getByTestId('lucky-send').click();
    const mine = p1.getByTestId('lucky-message').last();
    await mine.waitFor();
    const envelopeId = (await mine.getAttribute('data-envelope-id'))!;
    expect(envelopeId).toMatch(/^[a-z]+_/);
    const message = (p: Locator) =>
      p.locator(`[data-testid="lucky-message"][data-envelope-id="${envelopeId}"]`);

    const got: Record<number, number> = {};
    for (const [n, phone] of [
      [2, p2],
      [3, p3],
    ] as const) {
      await goHome(phone);
      await phone.getByTestId('home-lucky').click();
      await message(phone).getByTestId('lucky-grab').click();
      await message(phone).getByTestId('lucky-grab-amount').waitFor();
      got[n] = await balanceOf(message(phone), 'lucky-grab-amount');
    }
    const grabbedAfter = ms(sentAt);
    // Phone 1's view of its envelope: two grabs so far, the rest still in it.
    await waitForValue(async () => message(p1).getByTestId('lucky-grab-row').count(), 2, {
      what: 'grabs shown to the sender',
    });
    expect(await balanceOf(message(p1), 'lucky-remaining')).toBe(LUCKY_TOTAL - got[2]! - got[3]!);

    await message(p1).getByTestId('lucky-grab').click();
    await message(p1).getByTestId('lucky-grab-amount').waitFor();
    got[1] = await balanceOf(message(p1), 'lucky-grab-amount');
    expect(got[1]! + got[2]! + got[3]!).toBe(LUCKY_TOTAL);

    // Every phone shows who got what, summing to the total, with the best luck marked.
    const { envelope } = await server.client.luckyMoney(envelopeId);
    expect(envelope.status).toBe('empty');
    for (const phone of [p1, p2, p3]) {
      const grabs = message(phone).getByTestId('lucky-grabs');
      await waitForValue(async () => grabs.getAttribute('data-sum'), String(LUCKY_TOTAL), {
        what: 'sum of the grabs shown',
      });
      const amounts = await grabs
        .getByTestId('lucky-grab-row')
        .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-amount'))));
      expect(amounts.reduce((a, b) => a + b, 0)).toBe(LUCKY_TOTAL);
      await grabs.locator('[data-testid="lucky-grab-row"][data-best="true"]').waitFor();
      expect(await grabs.locator('[data-best="true"]').getAttribute('data-wallet-id')).toBe(envelope.best);
      expect(await balanceOf(grabs, 'lucky-grabbed-sum')).toBe(LUCKY_TOTAL);
    }

    // The sender's history says what the money did, in words.
    await p1.getByTestId('tab-history').click();
    await waitForValue(
      async () => {
        const titles = await p1.getByTestId('history-what').allTextContents();
        return titles.includes('Lucky money sent') && titles.includes('Lucky money grabbed');
      },
      true,
      { what: 'lucky money in history' },
    );
    await p1.getByTestId('tab-home').click();
    // The issuer panel's live activity names the lucky money in words, never a raw ledger kind.
    await waitForValue(
      async () => {
        const kinds = await page.getByTestId('activity-item').locator('.activity-kind').allTextContents();
        return (
          kinds.includes('Lucky money sent') &&
          kinds.includes('Lucky money grabbed') &&
          !kinds.some((k) => k.includes('_'))
        );
      },
      true,
      { what: 'lucky money in the live activity' },
    );

    await snapshot('lucky');
    await waitForValue(() => goHome(p1), before[1] - LUCKY_TOTAL + got[1]!, { what: "phone 1's balance" });
    await waitForValue(() => goHome(p2), before[2] + got[2]!, { what: "phone 2's balance" });
    await waitForValue(() => goHome(p3), before[3] + got[3]!, { what: "phone 3's balance" });
    console.log(
      `[lucky-money timings] send to two grabs done: ${grabbedAfter} ms; shares ${got[1]}, ${got[2]}, ${got[3]} fen`,
    );
    await expectAuditOk();
    watched.assertNoProblems();
  });

  it('after the spending window the console reclaims the unspent money, and says so after a reload', async () => {
    const p1 = page.getByTestId('phone-1');
    const spentToTheFen = await campaignSpentToTheFen();
    const card = page.locator(`[data-testid="console-campaign"][data-campaign-id="${campaignId}"]`);
    const wait = spendUntil - Date.now();
    const reclaim = card.locator('[data-testid="console-reclaim"]:not([disabled])');
    await reclaim.waitFor({ timeout: Math.max(0, wait) + 15_000 });
    await reclaim.click();
    await card.getByTestId('console-campaign-note').filter({ hasText: 'Reclaimed' }).waitFor();
    const unspent = 2 * PRIZE - SPENT;
    await waitForValue(
      async () => card.getByTestId('funnel-reclaimed').getAttribute('data-value'),
      String(unspent),
      {
        what: 'reclaimed in the console funnel',
      },
    );
    expect(await card.locator('[data-point="reclaimed"]').getAttribute('data-done')).toBe('true');
    // Reclaimed once is done: the button says so and cannot reclaim ¥0.00 again.
    const reclaimButton = card.getByTestId('console-reclaim');
    await waitForValue(async () => reclaimButton.getAttribute('data-done'), 'true', { what: 'reclaim done' });
    expect(await reclaimButton.isDisabled()).toBe(true);
    expect(await reclaimButton.textContent()).toContain('Unspent reclaimed');
    // The timeline reads in the order things happened, points of one second in the campaign's order.
    const points = await timeline(card);
    expect(points.filter((p) => /\d\d:\d\d:\d\d$/.test(p.time)).length).toBeGreaterThanOrEqual(5);
    expectTimelineInOrder(points);
    const stats = await server.client.campaignStats(campaignId);
    expect(stats).toMatchObject({ phase: 'ended', reclaimed: unspent, poolBalance: 0 });
    // Phone 1's campaign money is gone from Home.
    await goHome(p1);
    await waitForValue(async () => p1.getByTestId('restricted-card').count(), 0, {
      what: 'restricted card gone after reclaim',
    });
    // The timeline dates the reclaim as the server does.
    const { campaign: reclaimed } = await server.client.campaign(campaignId);
    expect(reclaimed.reclaimedAt).toBeGreaterThanOrEqual(reclaimed.spendUntil);
    expect(await pointTime(card, 'reclaimed')).toBe(await shownTime(reclaimed.reclaimedAt!));

    // The campaign spent to the fen: its reclaim takes nothing, yet it is reclaimed, and dated.
    const spentCard = page.locator(
      `[data-testid="console-campaign"][data-campaign-id="${spentToTheFen.id}"]`,
    );
    await spentCard
      .locator('[data-testid="console-reclaim"]:not([disabled])')
      .waitFor({ timeout: Math.max(0, spentToTheFen.spendUntil - Date.now()) + 15_000 });
    await spentCard.getByTestId('console-reclaim').click();
    await spentCard.getByTestId('console-campaign-note').filter({ hasText: 'nothing was left' }).waitFor();
    const { campaign: spent } = await server.client.campaign(spentToTheFen.id);
    expect(spent).toMatchObject({ reclaimed: 0, poolBalance: 0, phase: 'ended' });
    expect(spent.reclaimedAt).toBeGreaterThanOrEqual(spent.spendUntil);
    expect(await spentCard.getByTestId('funnel-reclaimed').getAttribute('data-value')).toBe('0');

    // After a reload both still read reclaimed, with the date the server keeps, and cannot be
    // reclaimed again: the one with nothing left too, though no money shows the reclaim.
    await page.reload();
    for (const [id, at, said] of [
      [campaignId, reclaimed.reclaimedAt!, /^Reclaimed ¥[\d,]+\.\d\d left unspent$/],
      [spentToTheFen.id, spent.reclaimedAt!, /^Reclaimed: nothing was left to take back$/],
    ] as const) {
      const reloaded = page.locator(`[data-testid="console-campaign"][data-campaign-id="${id}"]`);
      await reloaded.locator('[data-point="reclaimed"][data-done="true"]').waitFor({ timeout: 15_000 });
      expect(await pointTime(reloaded, 'reclaimed')).toBe(await shownTime(at));
      // what the reclaim took is said again, from the figures the server keeps
      await waitForValue(
        async () => said.test((await reloaded.getByTestId('console-campaign-note').textContent()) ?? ''),
        true,
        { what: `${id} reclaim note after a reload` },
      );
      const button = reloaded.getByTestId('console-reclaim');
      await waitForValue(async () => button.getAttribute('data-done'), 'true', { what: `${id} reclaimed` });
      expect(await button.isDisabled()).toBe(true);
      expect(await button.textContent()).toContain('Unspent reclaimed');
      expectTimelineInOrder(await timeline(reloaded));
    }
    await expectAuditOk();
    watched.assertNoProblems();
  });
});
