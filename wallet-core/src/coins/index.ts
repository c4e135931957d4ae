/**
 * Offline value: coins and spends with provenance paths, stateless path
 * verification, fraud proofs, coin selection, the device store and outbox,
 * plus the secure element and the touch protocol built on them.
 */

export * from '../secure-element/limits';
export * from '../secure-element/secure-element';
export * from '../secure-element/tampered-secure-element';
export * from '../touch/broadcast-channel-transport';
export * from '../touch/bundle-codec';
export * from '../touch/messages';
export * from '../touch/offline-wallet';
export * from '../touch/payee';
export * from '../touch/payer';
export * from '../touch/touch-pay';
export * from '../touch/transport';
export * from '../touch/verify-bundle';
export * from './coin';
export * from './double-spend';
export * from './issue';
export * from './key-value';
export * from './outbox';
export * from './restriction';
export * from './sandbox';
export * from './schemas';
export * from './selection';
export * from './spend';
export * from './verify-path';
export * from './wallet-store';
