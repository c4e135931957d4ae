/** What every feature module is handed: the store, the world's keys, crypto, events, configuration. */
import type { Signer } from '@ecny-sim/wallet-core';
import type { Config } from './config';
import type { SodiumVerifier } from './crypto/sodium';
import type { EventBus } from './events/bus';
import type { Store } from './store/store';
import type { World } from './world/world';

export interface Ctx {
  store: Store;
  world: World;
  verifier: SodiumVerifier;
  events: EventBus;
  config: Config;
  makeSigner: (secret: Uint8Array) => Signer;
  now: () => number;
  log: (line: Record<string, unknown>) => void;
}
