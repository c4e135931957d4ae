/** Server configuration, read and validated from the environment in one place. */
import { join, resolve } from 'node:path';
import { z } from 'zod';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('data'),
  ADMIN_TOKEN: z.string().min(16).optional(),
  DEMO: z.enum(['0', '1']).default('1'),
  CORS_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['silent', 'error', 'info']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file, or ':memory:' for tests. */
  dbPath: string;
  adminToken?: string;
  /** Seed the demo world and serve the demo wallets' keys to the web app. */
  demo: boolean;
  corsOrigins: string[];
  logLevel: 'silent' | 'error' | 'info';
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
    ...(e.ADMIN_TOKEN ? { adminToken: e.ADMIN_TOKEN } : {}),
    demo: e.DEMO === '1',
    corsOrigins: e.CORS_ORIGINS.split(',').filter(Boolean),
    logLevel: e.LOG_LEVEL,
  };
}
