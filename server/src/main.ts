/** Starts the server: configuration from the environment, then listen; shuts down cleanly on signals. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from './app';
import { createContext } from './bootstrap';
import { configFromEnv } from './config';

const config = { ...configFromEnv(), webDist: resolve(import.meta.dirname, '../../web/dist') };
const tokenFile = join(config.dataDir, 'admin-token');
const firstStart = !existsSync(tokenFile);
const ctx = await createContext(config);
const app = createApp(ctx);
const server = app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/`;
  process.stdout.write(
    [
      `ecny-sim is running at ${url}`,
      `  data folder: ${config.dataDir}`,
      // The token is printed once, when it is created; afterwards only where it is kept.
      firstStart && !config.adminToken
        ? `  admin token: ${ctx.adminToken} (kept in ${tokenFile})`
        : `  admin token: in ${tokenFile}${config.adminToken ? ' (ADMIN_TOKEN is set)' : ''}`,
      `  API: ${url}v1/openapi.json`,
      '',
    ].join('\n'),
  );
});
server.keepAliveTimeout = 65_000;

function shutdown(signal: string) {
  process.stdout.write(`${signal}: shutting down\n`);
  server.close(() => {
    void ctx.store.close().then(() => process.exit(0));
  });
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
