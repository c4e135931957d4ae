/** Server configuration, read and validated from the environment in one place. */
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Generous on purpose: a benchmark at 50 connections from 127.0.0.1 is not
 * throttled. A rate of 0 turns a limit off; the burst defaults to 2 x rate.
 */
export const RATE_LIMIT_DEFAULTS = {
  ipPerSec: 5_000,
  ipBurst: 10_000,
  devicePerSec: 1_000,
  deviceBurst: 2_000,
} as const;

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('data'),
  ADMIN_TOKEN: z.string().min(16).optional(),
  DEMO: z.enum(['0', '1']).default('1'),
  CORS_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['silent', 'error', 'info']).default('info'),
  RATE_LIMIT_IP_PER_SEC: z.coerce.number().min(0).default(RATE_LIMIT_DEFAULTS.ipPerSec),
  RATE_LIMIT_IP_BURST: z.coerce.number().min(1).optional(),
  RATE_LIMIT_DEVICE_PER_SEC: z.coerce.number().min(0).default(RATE_LIMIT_DEFAULTS.devicePerSec),
  RATE_LIMIT_DEVICE_BURST: z.coerce.number().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  DATABASE_SCHEMA: z.string().optional(),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file, or ':memory:' for tests. */
  dbPath: string;
  /** postgres://... : keep the data in PostgreSQL (or a compatible engine) instead of SQLite. */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables; 'throwaway' makes a fresh one dropped on close (tests). */
  databaseSchema?: string;
  adminToken?: string;
  /** Seed the demo world and serve the demo wallets' keys to the web app. */
  demo: boolean;
  corsOrigins: string[];
  logLevel: 'silent' | 'error' | 'info';
  /** Token bucket per client IP (requests per second, bucket size); 0 turns it off. */
  rateLimitIpPerSec: number;
  rateLimitIpBurst: number;
  /** Token bucket per device (see http/rate-limit.ts); 0 turns it off. */
  rateLimitDevicePerSec: number;
  rateLimitDeviceBurst: number;
  /** Directory of the built web app to serve, if any. */
  webDist?: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const e = EnvSchema.parse(env);
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    dbPath: join(dataDir, 'ecny.sqlite'),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.DATABASE_SCHEMA ? { databaseSchema: e.DATABASE_SCHEMA } : {}),
    ...(e.ADMIN_TOKEN ? { adminToken: e.ADMIN_TOKEN } : {}),
    demo: e.DEMO === '1',
    corsOrigins: e.CORS_ORIGINS.split(',').filter(Boolean),
    logLevel: e.LOG_LEVEL,
    rateLimitIpPerSec: e.RATE_LIMIT_IP_PER_SEC,
    rateLimitIpBurst: e.RATE_LIMIT_IP_BURST ?? Math.max(1, 2 * e.RATE_LIMIT_IP_PER_SEC),
    rateLimitDevicePerSec: e.RATE_LIMIT_DEVICE_PER_SEC,
    rateLimitDeviceBurst: e.RATE_LIMIT_DEVICE_BURST ?? Math.max(1, 2 * e.RATE_LIMIT_DEVICE_PER_SEC),
  };
}
