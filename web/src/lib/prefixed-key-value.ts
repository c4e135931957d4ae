/**
 * A namespace inside a key-value store: every key gets `prefix` in front, so
 * several stores (device key, offline coins of a device, settings) share one
 * IndexedDB database without seeing each other's keys. Writes go straight
 * through in call order (no caching), so the ordering a caller relies on for
 * crash safety is the order IndexedDB commits them.
 */
import type { KeyValue } from '@ecny-sim/wallet-core';

export class PrefixedKeyValue implements KeyValue {
  constructor(
    readonly inner: KeyValue,
    readonly prefix: string,
  ) {}

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.inner.get<T>(this.prefix + key);
  }

  set(key: string, value: unknown): Promise<void> {
    return this.inner.set(this.prefix + key, value);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(this.prefix + key);
  }

  async entries<T = unknown>(prefix: string): Promise<Array<[string, T]>> {
    const all = await this.inner.entries<T>(this.prefix + prefix);
    return all.map(([k, v]) => [k.slice(this.prefix.length), v]);
  }
}
