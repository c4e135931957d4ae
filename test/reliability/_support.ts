/**
 * Helpers of the reliability tests: an in-process server whose log lines can
 * be captured, a keep-alive HTTP client that sends any bytes with any
 * headers, device-signed headers with full control, a seeded PRNG, and the
 * error-envelope check every refusal must pass.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Config,
  type Ctx,
  createApp,
  createContext,
  defaultConfig,
  runAudit,
  SodiumSigner,
} from '@ecny-sim/server';
import {
  AUTH_HEADERS,
  type AuditReport,
  bodyHash,
  type CreateWalletResponse,
  EcnyClient,
  generateKeyPair,
  type OnlineTransfer,
  type OpenWalletInput,
  REQUEST_TYPE,
  type RequestAuthBody,
  randomBytes,
  randomId,
  type Signer,
  signObject,
  signTransfer,
  TRANSFER_TYPE,
  toBase64Url,
} from '@ecny-sim/wallet-core';
import { expect } from 'vitest';

export interface Wallet extends CreateWalletResponse {
  walletId: string;
  deviceId: string;
  /** node:crypto Ed25519 (the same bytes as noble, faster). */
  signer: SodiumSigner;
  client: EcnyClient;
}

export interface Server {
  url: string;
  port: number;
  ctx: Ctx & { adminToken: string };
  client: EcnyClient;
  admin: EcnyClient;
  /** Log lines the server wrote (only with `captureLog`). */
  logLines: Record<string, unknown>[];
  audit(): Promise<AuditReport>;
  openWallet(input?: Partial<OpenWalletInput> & { topUp?: number }): Promise<Wallet>;
  close(): Promise<void>;
}

/** A server in this process on 127.0.0.1 and a port the OS picks, with in-memory SQLite. */
export async function startServer(
  overrides: Partial<Config> = {},
  options: { captureLog?: boolean } = {},
): Promise<Server> {
  const ctx = await createContext(defaultConfig(overrides));
  const logLines: Record<string, unknown>[] = [];
  if (options.captureLog) ctx.log = (line) => logLines.push(JSON.parse(JSON.stringify(line)));
  const app = createApp(ctx);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const client = new EcnyClient({ baseUrl: url });
  const admin = new EcnyClient({ baseUrl: url, adminToken: ctx.adminToken });
  let n = 0;
  return {
    url,
    port,
    ctx,
    client,
    admin,
    logLines,
    audit: () => runAudit(ctx.store),
    async openWallet(input = {}) {
      const signer = new SodiumSigner(generateKeyPair().secretKey);
      const opened = await client.openWallet(
        {
          operatorId: input.operatorId ?? 'op_icbc',
          tier: input.tier ?? 2,
          displayName: input.displayName ?? `Reliability wallet ${++n}`,
        },
        signer,
      );
      const walletClient = client.as({ deviceId: opened.deviceId, signer });
      if (input.topUp) await walletClient.topUp(opened.wallet.walletId, input.topUp);
      return { ...opened, walletId: opened.wallet.walletId, signer, client: walletClient };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await ctx.store.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/** Sends exactly these bytes with exactly these headers over a keep-alive agent. */
export function send(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body) headers['content-length'] = String(body.length);
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, agent, timeout: options.timeoutMs ?? 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function keepAliveAgent(maxSockets = 32): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** The `{error: {code}}` of a response, or undefined. */
export function codeOf(r: RawResponse): string | undefined {
  const code = (r.json as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Codes of Node, zlib and SQLite errors: never to be shown to a client. */
const INTERNAL_CODE = /^(ERR_|Z_|SQLITE_|E(NOENT|ACCES|PERM|PIPE|CONNRESET|MFILE|ISDIR|EXIST)$)/;

/** True when `r` is a well-formed error envelope: JSON `{error: {code, message}}` with an upper-case code. */
export function isErrorEnvelope(r: RawResponse): boolean {
  const e = (r.json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return (
    !!e &&
    typeof e.code === 'string' &&
    /^[A-Z][A-Z0-9_]*$/.test(e.code) &&
    !INTERNAL_CODE.test(e.code) &&
    typeof e.message === 'string' &&
    e.message.length > 0 &&
    String(r.headers['content-type'] ?? '').startsWith('application/json')
  );
}

/** No stack frame, file path or exception name in a response text. */
export function expectNoLeak(text: string): void {
  expect(text).not.toMatch(/\n\s+at |node_modules|\/src\/|\.ts:\d+|SqliteError|TypeError|ReferenceError/);
}

/** The x-ecny-* headers with full control over each signed field and the domain tag. */
export function authHeaders(
  device: { deviceId: string; signer: Signer },
  method: string,
  path: string,
  rawBody: string,
  options: { timestamp?: number; nonce?: string; signer?: Signer; type?: string } = {},
): Record<string, string> {
  const body: RequestAuthBody = {
    deviceId: device.deviceId,
    method: method.toUpperCase(),
    path,
    bodyHash: bodyHash(rawBody),
    timestamp: options.timestamp ?? Date.now(),
    nonce: options.nonce ?? toBase64Url(randomBytes(12)),
  };
  const signed = signObject(options.type ?? REQUEST_TYPE, body, options.signer ?? device.signer);
  return {
    [AUTH_HEADERS.device]: body.deviceId,
    [AUTH_HEADERS.timestamp]: String(body.timestamp),
    [AUTH_HEADERS.nonce]: body.nonce,
    [AUTH_HEADERS.signature]: signed.sig,
  };
}

/** A signed transfer with every field under the caller's control (including the domain tag). */
export function makeTransfer(
  payer: { walletId: string; deviceId: string; signer: Signer },
  to: string,
  amount: number,
  options: {
    transferId?: string;
    createdAt?: number;
    from?: string;
    deviceId?: string;
    signer?: Signer;
    type?: string;
  } = {},
): OnlineTransfer {
  const body = {
    transferId: options.transferId ?? randomId('tx'),
    from: options.from ?? payer.walletId,
    to,
    amount,
    deviceId: options.deviceId ?? payer.deviceId,
    createdAt: options.createdAt ?? Date.now(),
  };
  const signer = options.signer ?? payer.signer;
  return options.type && options.type !== TRANSFER_TYPE
    ? (signObject(options.type, body, signer) as OnlineTransfer)
    : signTransfer(body, signer);
}

/** Flips one bit of a base64url string's bytes. */
export function flipBit(b64: string, byte = 7, bit = 3): string {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[byte] = bytes[byte]! ^ (1 << bit);
  return bytes.toString('base64url');
}

/** mulberry32: a small seeded PRNG, so a run can be repeated. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function expectAuditClean(s: { audit(): Promise<AuditReport> }): Promise<void> {
  const report = await s.audit();
  expect(report.breaks).toEqual([]);
  expect(report.ok).toBe(true);
}

/** Appends a figure to `RELIABILITY_FIGURES` (a JSON-lines file) when that variable is set. */
export async function recordFigures(name: string, figures: Record<string, unknown>): Promise<void> {
  const file = process.env.RELIABILITY_FIGURES;
  if (!file) return;
  const { appendFileSync } = await import('node:fs');
  appendFileSync(file, `${JSON.stringify({ test: name, at: new Date().toISOString(), ...figures })}\n`);
}
