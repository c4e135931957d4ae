/**
 * The small async storage seam of wallet-core. The browser implements it on
 * IndexedDB, tests and the simulator use MemoryKeyValue. Values are
 * structured-clonable plain data.
 */
export interface KeyValue {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** All entries whose key starts with `prefix`, sorted by key. */
  entries<T = unknown>(prefix: string): Promise<Array<[string, T]>>;
}

export class MemoryKeyValue implements KeyValue {
  readonly #data = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    const value = this.#data.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#data.set(key, structuredClone(value));
  }

  async delete(key: string): Promise<void> {
    this.#data.delete(key);
  }

  async entries<T>(prefix: string): Promise<Array<[string, T]>> {
    return [...this.#data.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, structuredClone(v) as T]);
  }

  get size(): number {
    return this.#data.size;
  }
}
