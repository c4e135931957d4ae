/**
 * Starts a real server for a test: in-memory SQLite (or a file), on
 * 127.0.0.1 and a port the OS picks. Returns a typed client and helpers to
 * open wallets with fresh device keys.
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type Config, type Ctx, createApp, createContext, defaultConfig, runAudit } from '@ecny-sim/server';
import {
  type AuditReport,
  type CreateWalletResponse,
  EcnyClient,
  generateKeyPair,
  NobleSigner,
  type OpenWalletInput,
} from '@ecny-sim/wallet-core';

export interface TestServer {
  url: string;
  ctx: Ctx & { adminToken: string };
  client: EcnyClient;
  admin: EcnyClient;
  audit(): Promise<AuditReport>;
  openWallet(input?: Partial<OpenWalletInput> & { topUp?: number }): Promise<TestWallet>;
  close(): Promise<void>;
}

export interface TestWallet extends CreateWalletResponse {
  walletId: string;
  deviceId: string;
  signer: NobleSigner;
  secretKey: Uint8Array;
  client: EcnyClient;
}

export const WEB_DIST = resolve(import.meta.dirname, '../../web/dist');

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const config = defaultConfig(overrides);
  const ctx = await createContext(config);
  const app = createApp(ctx);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const client = new EcnyClient({ baseUrl: url });
  const admin = new EcnyClient({ baseUrl: url, adminToken: ctx.adminToken });
  let counter = 0;
  return {
    url,
    ctx,
    client,
    admin,
    audit: () => runAudit(ctx.store),
    async openWallet(input = {}) {
      const { secretKey } = generateKeyPair();
      const signer = new NobleSigner(secretKey);
      const opened = await client.openWallet(
        {
          operatorId: input.operatorId ?? 'op_icbc',
          tier: input.tier ?? 2,
          displayName: input.displayName ?? `Test wallet ${++counter}`,
          ...(input.region ? { region: input.region } : {}),
          ...(input.resident !== undefined ? { resident: input.resident } : {}),
        },
        signer,
      );
      const walletClient = client.as({ deviceId: opened.deviceId, signer });
      if (input.topUp) await walletClient.topUp(opened.wallet.walletId, input.topUp);
      return {
        ...opened,
        walletId: opened.wallet.walletId,
        deviceId: opened.deviceId,
        signer,
        secretKey,
        client: walletClient,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await ctx.store.close();
    },
  };
}
