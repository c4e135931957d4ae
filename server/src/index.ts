/** What other packages (tests, benchmarks, the simulator) use of the server. */
export { createApp } from './app';
export { createContext, defaultConfig } from './bootstrap';
export type { Config } from './config';
export type { Ctx } from './context';
export { SodiumSigner, SodiumVerifier } from './crypto/sodium';
export { Accounts } from './ledger/accounts';
export { runAudit } from './ledger/audit';
export { PostgresStore } from './store/postgres';
export { SqliteStore } from './store/sqlite';
export type { LedgerTransfer, Store } from './store/store';
