/**
 * Path verification on the server, built for throughput: the same checks as
 * wallet-core's verifyPath (server flavour: expiry of the coin at upload
 * time and revocation are not held against a path, only spend times), with
 * the Ed25519 verifications run in parallel on the verification workers and cached
 * (a device or operator certificate is verified once, an Issue the issuer
 * recorded is not re-verified, a spend already in the spent set is skipped).
 * Whenever anything fails, wallet-core's verifyPath runs on the coin to give
 * the exact code and link, so both always agree on what is wrong.
 */
import {
  bodyOf,
  type Coin,
  DEVICE_CERT_TYPE,
  type DeviceCert,
  EcnyError,
  isEcnyError,
  OPERATOR_CERT_TYPE,
  type OperatorCert,
  objectHash,
  verifyPath,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import type { RootCoinRow } from '../store/offline-rows';
import { fastOutputCoinIds, fastSpendDigest, issueJcs } from './hashing';

export interface LinkFacts {
  inputCoinId: string;
  spendHash: string;
  /** Amount of the coin the link consumed. */
  amount: number;
  /** Ids of the spend's outputs, in order. */
  outputIds: string[];
}

export interface PathFacts {
  coinId: string;
  amount: number;
  owner: string;
  links: LinkFacts[];
}

export type PathCheck = { ok: true; facts: PathFacts } | { ok: false; error: EcnyError };

const MAX_CACHE = 200_000;

/** Signature results shared by concurrent checks (promise per (sig, message, key)). */
class SignatureCache {
  readonly #results = new Map<string, Promise<boolean>>();

  verify(ctx: Ctx, sig: string, message: Uint8Array, key: string): Promise<boolean> {
    const id = `${sig}.${key}.${Buffer.from(message).toString('base64url')}`;
    let result = this.#results.get(id);
    if (!result) {
      if (this.#results.size >= MAX_CACHE) this.#results.clear();
      result = ctx.verifier.verifyAsyncText(sig, message, key);
      this.#results.set(id, result);
    }
    return result;
  }
}

/** Device certificates already checked against their operator, by signature. */
class CertCache {
  readonly #certs = new Map<string, { cert: DeviceCert; ok: Promise<boolean> }>();

  check(ctx: Ctx, sigs: SignatureCache, cert: DeviceCert, operator: OperatorCert): Promise<boolean> {
    const known = this.#certs.get(cert.sig);
    // The same signature over different content is a different certificate: verified on its own.
    if (known && sameJson(known.cert, cert)) return known.ok;
    if (this.#certs.size >= MAX_CACHE) this.#certs.clear();
    const operatorOk = sigs.verify(
      ctx,
      operator.sig,
      objectHash(OPERATOR_CERT_TYPE, bodyOf(operator)),
      ctx.world.issuerPublicKey,
    );
    const deviceOk = sigs.verify(
      ctx,
      cert.sig,
      objectHash(DEVICE_CERT_TYPE, bodyOf(cert)),
      operator.publicKey,
    );
    const ok = Promise.all([operatorOk, deviceOk]).then(([a, b]) => a && b);
    this.#certs.set(cert.sig, { cert, ok });
    return ok;
  }
}

/** Equality of two JSON values (objects compared key by key, in any key order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

const caches = new WeakMap<Ctx, { sigs: SignatureCache; certs: CertCache }>();

function cachesOf(ctx: Ctx) {
  let c = caches.get(ctx);
  if (!c) {
    c = { sigs: new SignatureCache(), certs: new CertCache() };
    caches.set(ctx, c);
  }
  return c;
}

function operatorCert(ctx: Ctx, operatorId: string): OperatorCert | undefined {
  const certs = ctx.world.trust.operatorCerts;
  return certs instanceof Map ? certs.get(operatorId) : (certs as Record<string, OperatorCert>)[operatorId];
}

/** The coded error wallet-core's verifyPath gives for this coin (or a generic one if it passes). */
export function explainFailure(ctx: Ctx, coin: Coin, isKnownSpend: (hash: string) => boolean): EcnyError {
  try {
    verifyPath(coin, {
      trust: ctx.world.trust,
      verifier: ctx.verifier,
      now: ctx.now(),
      allowExpired: true,
      isKnownSpend,
    });
  } catch (e) {
    if (isEcnyError(e)) return e;
    return new EcnyError('PATH_INVALID', String(e), { link: 0 });
  }
  return new EcnyError('PATH_INVALID', 'the path does not verify', { link: 0 });
}

/**
 * Checks a coin whose root the issuer recorded (`root`). Spends whose hash
 * `isKnownSpend` reports were verified when they were recorded and are not
 * verified again.
 */
export async function checkPath(
  ctx: Ctx,
  coin: Coin,
  root: RootCoinRow,
  isKnownSpend: (hash: string) => boolean,
): Promise<PathCheck> {
  const fail = (): PathCheck => ({ ok: false, error: explainFailure(ctx, coin, isKnownSpend) });
  const { sigs, certs } = cachesOf(ctx);
  const issue = coin.issue;
  // The Issue must be the one the issuer recorded, byte for byte: its signature is then the issuer's.
  let issueText: string;
  try {
    issueText = issueJcs(issue);
  } catch {
    return fail();
  }
  if (issueText !== root.issueJson) return fail();
  const pending: Promise<boolean>[] = [];
  const links: LinkFacts[] = [];
  let id = issue.coinId;
  let amount = issue.amount;
  let owner = issue.owner;
  for (let index = 0; index < coin.links.length; index++) {
    const link = coin.links[index]!;
    const spend = link.spend;
    const i = index + 1;
    if (
      link.output >= spend.outputs.length ||
      i > issue.maxHops ||
      spend.inputCoinId !== id ||
      link.signer.publicKey !== owner
    ) {
      return fail();
    }
    const digest = fastSpendDigest(spend);
    const hash = digest.toString('base64url');
    if (!isKnownSpend(hash)) {
      const t = spend.time;
      const signer = link.signer;
      const operator = operatorCert(ctx, signer.operatorId);
      if (!operator) return fail();
      if (
        t < operator.validFrom ||
        t > operator.validUntil ||
        t < signer.validFrom ||
        t > signer.validUntil
      ) {
        return fail();
      }
      pending.push(certs.check(ctx, sigs, signer, operator));
      // Each spend signature is new (a known spend is skipped above): verified without the cache.
      pending.push(ctx.verifier.verifyText(spend.sig, hash, owner));
    }
    let total = 0;
    for (const o of spend.outputs) total += o.amount;
    if (total !== amount || spend.time > issue.expiresAt) return fail();
    const outputIds = fastOutputCoinIds(digest, spend.outputs.length);
    links.push({ inputCoinId: id, spendHash: hash, amount, outputIds });
    const next = spend.outputs[link.output]!;
    id = outputIds[link.output]!;
    amount = next.amount;
    owner = next.owner;
  }
  if (pending.length) {
    const results = await Promise.all(pending);
    if (!results.every(Boolean)) return fail();
  }
  return { ok: true, facts: { coinId: id, amount, owner, links } };
}

/** Verifies one signature (a deposit spend) on the verification workers, cached like the rest. */
export function verifySignature(ctx: Ctx, sig: string, message: Uint8Array, key: string): Promise<boolean> {
  return cachesOf(ctx).sigs.verify(ctx, sig, message, key);
}
