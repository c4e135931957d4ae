/**
 * Helpers shared by the HTTP integration tests: raw requests (to send bodies
 * the typed client would never build), device-signed requests with a chosen
 * timestamp or nonce, signed transfers, and funding wallets beyond the
 * ¥50,000 opening bank balance.
 */
import { type Agent, request } from 'node:http';
import {
  AUTH_HEADERS,
  bodyHash,
  type EcnyError,
  type OnlineTransfer,
  REQUEST_TYPE,
  type RequestAuthBody,
  randomBytes,
  randomId,
  type Signer,
  signObject,
  signTransfer,
  toBase64Url,
} from '@ecny-sim/wallet-core';
import { expect } from 'vitest';
import type { TestServer, TestWallet } from '../support/server';

export interface RawResponse {
  status: number;
  json: unknown;
  text: string;
}

/** The `{error: {code}}` of a raw response, or undefined. */
export function codeOf(r: RawResponse): string | undefined {
  return (r.json as { error?: { code?: string } } | null)?.error?.code;
}

export async function raw(
  s: TestServer,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(s.url + path, { method, headers, body: options.body });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text };
}

/** Builds the x-ecny-* headers with full control over every signed field. */
export function authHeaders(
  device: { deviceId: string; signer: Signer },
  method: string,
  path: string,
  rawBody: string,
  options: { timestamp?: number; nonce?: string; signer?: Signer } = {},
): Record<string, string> {
  const body: RequestAuthBody = {
    deviceId: device.deviceId,
    method: method.toUpperCase(),
    path,
    bodyHash: bodyHash(rawBody),
    timestamp: options.timestamp ?? Date.now(),
    nonce: options.nonce ?? toBase64Url(randomBytes(12)),
  };
  const signed = signObject(REQUEST_TYPE, body, options.signer ?? device.signer);
  return {
    [AUTH_HEADERS.device]: body.deviceId,
    [AUTH_HEADERS.timestamp]: String(body.timestamp),
    [AUTH_HEADERS.nonce]: body.nonce,
    [AUTH_HEADERS.signature]: signed.sig,
  };
}

/** Sends a device-signed request with a raw body. */
export function signedRaw(
  s: TestServer,
  wallet: { deviceId: string; signer: Signer },
  method: string,
  path: string,
  body = '',
  options: { timestamp?: number; nonce?: string; signer?: Signer; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers = { ...authHeaders(wallet, method, path, body, options), ...options.headers };
  return raw(s, method, path, { ...(body ? { body } : {}), headers });
}

export function makeTransfer(
  payer: { walletId: string; deviceId: string; signer: Signer },
  to: string,
  amount: number,
  options: { transferId?: string; memo?: string; createdAt?: number; from?: string; deviceId?: string } = {},
): OnlineTransfer {
  return signTransfer(
    {
      transferId: options.transferId ?? randomId('tx'),
      from: options.from ?? payer.walletId,
      to,
      amount,
      ...(options.memo ? { memo: options.memo } : {}),
      deviceId: options.deviceId ?? payer.deviceId,
      createdAt: options.createdAt ?? Date.now(),
    },
    payer.signer,
  );
}

/** Expects a typed-client call to fail with this error code (and HTTP status, when given). */
export async function expectCode(
  promise: Promise<unknown>,
  code: string,
  status?: number,
): Promise<EcnyError> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code}`).toBeDefined();
  expect((error as EcnyError).code).toBe(code);
  if (status !== undefined) expect((error as EcnyError).details?.status).toBe(status);
  return error as EcnyError;
}

export async function balanceOf(wallet: TestWallet): Promise<number> {
  return (await wallet.client.wallet(wallet.walletId)).wallet.balance;
}

/**
 * Moves `amount` fen into `target` from tier-1 donor wallets (each can top up
 * at most the ¥50,000 opening bank balance).
 */
export async function fund(s: TestServer, target: TestWallet, amount: number): Promise<void> {
  const PER_DONOR = 5_000_000;
  let left = amount;
  while (left > 0) {
    const chunk = Math.min(left, PER_DONOR);
    const donor = await s.openWallet({ tier: 1, topUp: chunk });
    await donor.client.pay(donor.walletId, target.walletId, chunk);
    left -= chunk;
  }
}

export async function expectAuditClean(s: TestServer): Promise<void> {
  const report = await s.audit();
  expect(report.breaks).toEqual([]);
  expect(report.ok).toBe(true);
}

/** The URL of a wallet's own event stream, with a ticket its device asked for. */
export async function walletEventsUrl(s: TestServer, wallet: TestWallet): Promise<string> {
  const { ticket } = await wallet.client.eventsTicket(wallet.walletId);
  return `${s.url}/v1/events?wallet=${wallet.walletId}&ticket=${ticket}`;
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Opens /v1/events and collects events until `until` matches or the time runs out. */
export async function openStream(url: string) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  let connected = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(': connected')) connected = true;
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  const waitFor = async (pred: () => boolean, ms = 5_000) => {
    const until = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > until) throw new Error('timed out waiting for server-sent events');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await waitFor(() => connected);
  return {
    response,
    events,
    waitFor,
    async close() {
      controller.abort();
      await pump;
    },
  };
}

/**
 * A request through node:http, for what fetch will not send (a body on a GET, a body sent
 * chunked): a whole body, or chunks sent chunked.
 */
export function sendNode(
  s: TestServer,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; chunks?: string[]; agent?: Agent } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    if (options.chunks !== undefined) headers['transfer-encoding'] = 'chunked';
    const req = request(`${s.url}${path}`, { method, headers, agent: options.agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null, text }),
      );
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}
