/**
 * Device keys and local wallet state in IndexedDB, one database per phone
 * (`ecny-phone-<n>`) so phones on the demo page never share a key. The
 * key-value layer has the shape of wallet-core's `KeyValue`, so offline coins
 * (wallet-core `WalletStore`) can live in the same database later.
 */
import { type DeviceIdentity, NobleSigner } from '@ecny-sim/wallet-core';

const STORE = 'kv';

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Async key-value storage on one IndexedDB object store. */
export class IdbKeyValue {
  readonly dbName: string;
  #db: Promise<IDBDatabase> | undefined;

  constructor(dbName: string) {
    this.dbName = dbName;
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(this.dbName, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.#db;
  }

  async #store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    const db = await this.#open();
    return db.transaction(STORE, mode).objectStore(STORE);
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    return (await promised((await this.#store('readonly')).get(key))) as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await promised((await this.#store('readwrite')).put(value, key));
  }

  async delete(key: string): Promise<void> {
    await promised((await this.#store('readwrite')).delete(key));
  }

  /** All entries whose key starts with `prefix`, sorted by key. */
  async entries<T = unknown>(prefix: string): Promise<Array<[string, T]>> {
    const store = await this.#store('readonly');
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const [keys, values] = await Promise.all([
      promised(store.getAllKeys(range)),
      promised(store.getAll(range)),
    ]);
    return keys.map((k, i) => [String(k), values[i] as T]);
  }
}

/** What a phone keeps about its wallet: the device key never leaves this database. */
export interface StoredDevice {
  walletId: string;
  deviceId: string;
  /** Raw 32-byte Ed25519 secret key of this device. */
  secretKey: Uint8Array;
  displayName: string;
  /** 'demo' when adopted from the server's seeded demo wallets. */
  source: 'created' | 'demo';
  /** Device and operator certificates as issued at registration (absent for demo wallets). */
  deviceCert?: unknown;
  operatorCert?: unknown;
  savedAt: number;
}

const DEVICE_KEY = 'device';

export class PhoneKeyStore {
  readonly kv: IdbKeyValue;

  constructor(readonly phone: number) {
    this.kv = new IdbKeyValue(`ecny-phone-${phone}`);
  }

  loadDevice(): Promise<StoredDevice | undefined> {
    return this.kv.get<StoredDevice>(DEVICE_KEY);
  }

  saveDevice(device: StoredDevice): Promise<void> {
    return this.kv.set(DEVICE_KEY, device);
  }

  forgetDevice(): Promise<void> {
    return this.kv.delete(DEVICE_KEY);
  }
}

export function deviceIdentity(device: StoredDevice): DeviceIdentity {
  return { deviceId: device.deviceId, signer: new NobleSigner(device.secretKey) };
}
