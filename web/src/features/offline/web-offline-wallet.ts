/**
 * The phone's OfflineWallet with two additions for the demo:
 * - it remembers the coins of its last payment, so a tampered phone can
 *   "replay last coins" (pay exactly those coins again to someone else);
 * - once the server refused the device as revoked, an honest phone refuses
 *   to pay (DEVICE_REVOKED). A tampered phone ignores that, and the payee,
 *   once it has the revocation list, rejects it (CERT_REVOKED).
 */
import {
  coinAmount,
  coinId,
  EcnyError,
  OfflineWallet,
  type PaymentBundle,
  type PaymentRequest,
  type StoredCoin,
  spendHash,
} from '@ecny-sim/wallet-core';
import type { DepositBody } from './api-types';
import type { PersistentSecureElement } from './persistent-se';

export interface LastPayment {
  requestId: string;
  coinIds: string[];
  amount: number;
  at: number;
}

const LAST_PAYMENT = 'lastPayment';
const REVOKED = 'revoked';

export class WebOfflineWallet extends OfflineWallet {
  /** Set only while pay() replays: coin selection then sees exactly these coins. */
  #replay: Set<string> | null = null;

  override async unspentCoins(): Promise<StoredCoin[]> {
    const replay = this.#replay;
    if (!replay) return super.unspentCoins();
    return (await this.store.listCoins()).filter((c) => replay.has(c.coinId));
  }

  /**
   * `attack.reuseSpentCoins` here means "replay last coins": the coins of the
   * last payment are offered again (only a tampered element signs them).
   */
  override async pay(
    request: PaymentRequest,
    attack: { reuseSpentCoins?: boolean } = {},
  ): Promise<{ bundle: PaymentBundle; bytes: Uint8Array }> {
    if (!this.se.tampered && (await this.isRevoked())) {
      throw new EcnyError('DEVICE_REVOKED', 'the issuer revoked this device; it may not pay');
    }
    const last = attack.reuseSpentCoins ? await this.lastPayment() : undefined;
    if (attack.reuseSpentCoins && !last) {
      throw new EcnyError('NOTHING_TO_REPLAY', 'this device has not paid anything yet');
    }
    let result: { bundle: PaymentBundle; bytes: Uint8Array };
    if (last) {
      this.#replay = new Set(last.coinIds);
      try {
        // Selection looks at unspentCoins(), which now lists the last payment's (spent) coins.
        result = await super.pay(request);
      } finally {
        this.#replay = null;
      }
    } else {
      result = await super.pay(request);
    }
    await this.store.setMeta(LAST_PAYMENT, {
      requestId: request.requestId,
      coinIds: result.bundle.spends.map(({ spend }) => spend.inputCoinId),
      amount: request.amount,
      at: this.clock(),
    } satisfies LastPayment);
    return result;
  }

  lastPayment(): Promise<LastPayment | undefined> {
    return this.store.getMeta<LastPayment>(LAST_PAYMENT);
  }

  async isRevoked(): Promise<boolean> {
    if ((await this.store.getMeta<boolean>(REVOKED)) === true) return true;
    return (await this.revokedDevices()).has(this.cert.deviceId);
  }

  /**
   * Undoes what depositFromWallet did before sending `body`, once the server definitely refused
   * it: the coins are unspent again, the spends it signed are forgotten (seen set, the element)
   * and the kept body is dropped, so it is never resent. `secureElementBalance` is the element's
   * balance before it signed, to give back what signing took.
   */
  async releaseRefusedDeposit(body: DepositBody, secureElementBalance: number): Promise<void> {
    const ids: string[] = [];
    let amount = 0;
    for (const { coin, spend } of body.spends) {
      const id = coinId(coin);
      const stored = await this.store.getCoin(id);
      if (stored?.status !== 'spent' || stored.spentIn !== body.requestId) continue;
      const { spentIn: _spentIn, ...rest } = stored;
      await this.store.kv.set(`coin/${id}`, { ...rest, status: 'unspent' } satisfies StoredCoin);
      if ((await this.store.seenSpend(id)) === spendHash(spend)) await this.store.kv.delete(`seen/${id}`);
      ids.push(id);
      amount += coinAmount(stored.coin);
    }
    await this.store.kv.delete(`meta/deposit:${body.requestId}`);
    (this.se as PersistentSecureElement).releaseRefusedDeposit(ids, Math.min(secureElementBalance, amount));
  }

  /**
   * The request (payment or deposit) each spend this device signed went out in, by spend hash:
   * what names one deposit of several coins, which the ledger records coin by coin.
   */
  async requestsBySpend(): Promise<Map<string, string>> {
    const requests = new Map<string, string>();
    for (const coin of await this.store.listCoins('spent')) {
      const hash = coin.spentIn ? await this.store.seenSpend(coin.coinId) : undefined;
      if (hash && coin.spentIn) requests.set(hash, coin.spentIn);
    }
    return requests;
  }

  markRevoked(): Promise<void> {
    return this.store.setMeta(REVOKED, true);
  }
}
