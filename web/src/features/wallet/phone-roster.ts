/**
 * Which phone on the page holds which wallet and device: each phone enters
 * its wallet's name, wallet id, device id and device key while its wallet is
 * open, so the issuer panel beside them can name the parties of a fraud case
 * ("Wang Fang · Phone 2") instead of showing bare keys. Only what the phones
 * on this page show about themselves; a page without phones knows no one.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';

export interface PhoneOnPage {
  phone: number;
  name: string;
  walletId: string;
  deviceId: string;
  /** The device's public key as spends name their outputs' owners (encodeKey). */
  publicKey: string;
}

export class PhoneRoster {
  #phones: readonly PhoneOnPage[] = [];
  readonly #listeners = new Set<() => void>();

  /** Enters `entry` (replacing what this phone entered before); the returned function takes it out. */
  enter(entry: PhoneOnPage): () => void {
    this.#set([...this.#phones.filter((p) => p.phone !== entry.phone), entry]);
    return () => {
      if (this.#phones.includes(entry)) this.#set(this.#phones.filter((p) => p !== entry));
    };
  }

  get phones(): readonly PhoneOnPage[] {
    return this.#phones;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #set(phones: readonly PhoneOnPage[]): void {
    this.#phones = phones;
    for (const listener of this.#listeners) listener();
  }
}

export const PhoneRosterContext = createContext<PhoneRoster | null>(null);

const NO_PHONES: readonly PhoneOnPage[] = [];
const noSubscription = () => () => {};

/** The phones on this page, re-rendering when one opens or closes its wallet. */
export function usePhonesOnPage(): readonly PhoneOnPage[] {
  const roster = useContext(PhoneRosterContext);
  return useSyncExternalStore(roster?.subscribe ?? noSubscription, () => roster?.phones ?? NO_PHONES);
}

/** The roster a phone enters itself into, if the page keeps one. */
export function usePhoneRoster(): PhoneRoster | null {
  return useContext(PhoneRosterContext);
}
