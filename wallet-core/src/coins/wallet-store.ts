/**
 * A device's offline state on a KeyValue: its coins (with paths), the spends
 * it has seen (for local double-spend detection), its outbox, and a few
 * settings. Key layout: coin/<coinId>, seen/<inputCoinId>, outbox/<itemId>,
 * meta/<name>.
 */
import type { Fen } from '../money/fen';
import { type Coin, coinAmount, coinId } from './coin';
import type { KeyValue } from './key-value';
import type { OutboxItem } from './outbox';

export type CoinStatus = 'unspent' | 'spent';

export interface StoredCoin {
  coinId: string;
  amount: Fen;
  coin: Coin;
  status: CoinStatus;
  /** 'load' for root coins from the issuer, else the requestId that brought the coin. */
  origin: string;
  /** requestId of the payment that spent the coin. */
  spentIn?: string;
  /** Until the server has acknowledged the payment that brought it, a received coin is unsynced. */
  synced: boolean;
  addedAt: number;
}

export class WalletStore {
  constructor(readonly kv: KeyValue) {}

  async putCoin(
    coin: Coin,
    origin: string,
    addedAt: number,
    synced = origin === 'load',
  ): Promise<StoredCoin> {
    const stored: StoredCoin = {
      coinId: coinId(coin),
      amount: coinAmount(coin),
      coin,
      status: 'unspent',
      origin,
      synced,
      addedAt,
    };
    await this.kv.set(`coin/${stored.coinId}`, stored);
    return stored;
  }

  getCoin(id: string): Promise<StoredCoin | undefined> {
    return this.kv.get<StoredCoin>(`coin/${id}`);
  }

  async listCoins(status?: CoinStatus): Promise<StoredCoin[]> {
    const all = (await this.kv.entries<StoredCoin>('coin/')).map(([, v]) => v);
    return status ? all.filter((c) => c.status === status) : all;
  }

  async markSpent(ids: readonly string[], requestId: string): Promise<void> {
    for (const id of ids) {
      const stored = await this.getCoin(id);
      if (stored) await this.kv.set(`coin/${id}`, { ...stored, status: 'spent', spentIn: requestId });
    }
  }

  async markSynced(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const stored = await this.getCoin(id);
      if (stored && !stored.synced) await this.kv.set(`coin/${id}`, { ...stored, synced: true });
    }
  }

  async removeCoin(id: string): Promise<void> {
    await this.kv.delete(`coin/${id}`);
  }

  /** The hash of the spend of `inputCoinId` this device has seen, if any. */
  seenSpend(inputCoinId: string): Promise<string | undefined> {
    return this.kv.get<string>(`seen/${inputCoinId}`);
  }

  async recordSeenSpends(
    pairs: ReadonlyArray<readonly [inputCoinId: string, spendHash: string]>,
  ): Promise<void> {
    for (const [input, hash] of pairs) {
      if ((await this.seenSpend(input)) === undefined) await this.kv.set(`seen/${input}`, hash);
    }
  }

  async putOutboxItem(item: OutboxItem): Promise<void> {
    await this.kv.set(`outbox/${item.id}`, item);
  }

  getOutboxItem(id: string): Promise<OutboxItem | undefined> {
    return this.kv.get<OutboxItem>(`outbox/${id}`);
  }

  async listOutbox(): Promise<OutboxItem[]> {
    return (await this.kv.entries<OutboxItem>('outbox/'))
      .map(([, v]) => v)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Drops the items the server has acknowledged. */
  async acknowledge(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.kv.delete(`outbox/${id}`);
  }

  getMeta<T>(name: string): Promise<T | undefined> {
    return this.kv.get<T>(`meta/${name}`);
  }

  setMeta(name: string, value: unknown): Promise<void> {
    return this.kv.set(`meta/${name}`, value);
  }
}
