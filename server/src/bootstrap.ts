/**
 * Builds a server context from configuration: opens the store (creating the
 * data folder on first start), loads or creates the two-tier world and the
 * admin token, and seeds the demo world when asked.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, toBase64Url } from '@ecny-sim/wallet-core';
import { type Config, RATE_LIMIT_DEFAULTS } from './config';
import type { Ctx } from './context';
import { SodiumSigner, SodiumVerifier } from './crypto/sodium';
import { EventBus } from './events/bus';
import { PostgresStore } from './store/postgres';
import { SqliteStore } from './store/sqlite';
import type { Store } from './store/store';
import { seedDemoWorld } from './world/demo';
import { DEFAULT_OPERATORS, loadWorld, type OperatorSpec } from './world/world';

export interface BootOptions {
  store?: Store;
  operators?: OperatorSpec[];
  now?: () => number;
}

/**
 * Test defaults: a throwaway database (in-memory SQLite), silent. With
 * ECNY_TEST_STORE=postgres and DATABASE_URL set, the throwaway database is a
 * fresh PostgreSQL schema instead, dropped when the store closes, so the
 * same tests run on both stores.
 */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  const env = process.env;
  const postgres =
    env.ECNY_TEST_STORE === 'postgres' && env.DATABASE_URL
      ? { databaseUrl: env.DATABASE_URL, databaseSchema: 'throwaway' }
      : {};
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: '',
    dbPath: ':memory:',
    ...postgres,
    demo: false,
    corsOrigins: [],
    logLevel: 'silent',
    rateLimitIpPerSec: RATE_LIMIT_DEFAULTS.ipPerSec,
    rateLimitIpBurst: RATE_LIMIT_DEFAULTS.ipBurst,
    rateLimitDevicePerSec: RATE_LIMIT_DEFAULTS.devicePerSec,
    rateLimitDeviceBurst: RATE_LIMIT_DEFAULTS.deviceBurst,
    ...overrides,
  };
}

/** PostgreSQL when DATABASE_URL is set (the pool connects asynchronously), else SQLite. */
export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) {
    return PostgresStore.open({
      url: config.databaseUrl,
      ...(config.databaseSchema === 'throwaway'
        ? { throwawaySchema: true }
        : config.databaseSchema
          ? { schema: config.databaseSchema }
          : {}),
    });
  }
  return new SqliteStore({ path: config.dbPath });
}

function logger(level: Config['logLevel']) {
  return (line: Record<string, unknown>) => {
    if (level === 'silent') return;
    if (level === 'error' && line.level !== 'error') return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
  };
}

export async function createContext(
  config: Config,
  options: BootOptions = {},
): Promise<Ctx & { adminToken: string }> {
  if (config.dbPath !== ':memory:') mkdirSync(config.dataDir, { recursive: true });
  const store = options.store ?? (await openStore(config));
  const makeSigner = (secret: Uint8Array) => new SodiumSigner(secret);
  const world = await loadWorld(store, makeSigner, options.operators ?? DEFAULT_OPERATORS);
  const adminToken =
    config.adminToken ?? (await store.setMetaIfAbsent('admin:token', toBase64Url(randomBytes(24))));
  if (config.dbPath !== ':memory:') {
    const tokenFile = join(config.dataDir, 'admin-token');
    if (!existsSync(tokenFile)) writeFileSync(tokenFile, `${adminToken}\n`, { mode: 0o600 });
  }
  const ctx: Ctx & { adminToken: string } = {
    store,
    world,
    verifier: new SodiumVerifier(),
    events: new EventBus(),
    config,
    makeSigner,
    now: options.now ?? Date.now,
    log: logger(config.logLevel),
    adminToken,
  };
  if (config.demo) await seedDemoWorld(ctx);
  return ctx;
}
