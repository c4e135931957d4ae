/**
 * Stateless verification of a coin's path: the issuer signature, each link
 * signed by the key that owned its input (with a valid, unrevoked device
 * certificate), amounts conserved, hops within maxHops, not expired. Needs no
 * store: any device or the server can run it. Every failure is an EcnyError
 * with a stable code and `details.link`, the index of the bad link (0 = Issue).
 */
import { type TrustAnchors, verifyDeviceCert } from '../certs/certs';
import { fromBase64Url } from '../crypto/bytes';
import type { Verifier } from '../crypto/keys';
import { verifyObject } from '../crypto/signed';
import { EcnyError, isEcnyError } from '../errors/index';
import { type Fen, isFen } from '../money/fen';
import type { Coin } from './coin';
import { verifyIssueSignature } from './issue';
import { MAX_SPEND_OUTPUTS, outputCoinId, SPEND_TYPE, spendHash } from './spend';

/** Stable codes of path verification (certificate failures keep their CERT_* codes). */
export const PATH_ERRORS = {
  ISSUE_MALFORMED: 'ISSUE_MALFORMED',
  ISSUE_BAD_SIGNATURE: 'ISSUE_BAD_SIGNATURE',
  SPEND_MALFORMED: 'SPEND_MALFORMED',
  SPEND_WRONG_INPUT: 'SPEND_WRONG_INPUT',
  SPEND_WRONG_SIGNER: 'SPEND_WRONG_SIGNER',
  SPEND_BAD_SIGNATURE: 'SPEND_BAD_SIGNATURE',
  SPEND_AMOUNT_MISMATCH: 'SPEND_AMOUNT_MISMATCH',
  PATH_HOP_LIMIT: 'PATH_HOP_LIMIT',
  COIN_EXPIRED: 'COIN_EXPIRED',
} as const;

export interface PathCheckOptions {
  trust: TrustAnchors;
  verifier: Verifier;
  /** Time of the check (ms): the coin must not have expired by then. */
  now: number;
  /** Devices whose signatures are no longer accepted (from the last sync). */
  revokedDevices?: ReadonlySet<string>;
  /** Skip the expiry check against `now` (the server accepts deposits of expired coins). */
  allowExpired?: boolean;
  /**
   * Spends already verified and recorded (the server's spent set): for a link
   * whose spend hash is known, the certificate and signature checks are
   * skipped; structure, chaining, amounts, hops and expiry are still checked.
   */
  isKnownSpend?: (spendHash: string) => boolean;
}

export interface VerifiedCoin {
  coinId: string;
  amount: Fen;
  owner: string;
  hops: number;
  /** spendHash of links 1..n, in path order. */
  spendHashes: string[];
  /** coin id consumed by links 1..n, in path order. */
  inputCoinIds: string[];
}

const KEY_OR_HASH = /^[A-Za-z0-9_-]{43}$/;

function isKeyText(text: unknown): text is string {
  if (typeof text !== 'string' || !KEY_OR_HASH.test(text)) return false;
  try {
    return fromBase64Url(text).length === 32;
  } catch {
    return false;
  }
}

function fail(code: string, link: number, message: string): never {
  throw new EcnyError(code, `link ${link}: ${message}`, { link });
}

/** Throws a coded EcnyError (details.link = bad link) unless the whole path holds; returns the coin's facts. */
export function verifyPath(coin: Coin, options: PathCheckOptions): VerifiedCoin {
  const issue = coin.issue;
  if (
    !issue ||
    !isKeyText(issue.coinId) ||
    !isFen(issue.amount) ||
    issue.amount === 0 ||
    !isKeyText(issue.owner) ||
    !Number.isSafeInteger(issue.expiresAt) ||
    !Number.isSafeInteger(issue.maxHops) ||
    issue.maxHops < 1
  ) {
    fail(PATH_ERRORS.ISSUE_MALFORMED, 0, 'the issue is malformed');
  }
  if (!verifyIssueSignature(issue, options.trust.issuerPublicKey, options.verifier)) {
    fail(PATH_ERRORS.ISSUE_BAD_SIGNATURE, 0, `coin ${issue.coinId} is not signed by the issuer`);
  }
  if (!options.allowExpired && options.now > issue.expiresAt) {
    fail(PATH_ERRORS.COIN_EXPIRED, 0, `coin ${issue.coinId} expired at ${issue.expiresAt}`);
  }

  let id = issue.coinId;
  let amount = issue.amount;
  let owner = issue.owner;
  const spendHashes: string[] = [];
  const inputCoinIds: string[] = [];
  if (!Array.isArray(coin.links)) fail(PATH_ERRORS.SPEND_MALFORMED, 1, 'links must be a list');

  coin.links.forEach((link, index) => {
    const i = index + 1;
    const spend = link?.spend;
    const outputs = spend?.outputs;
    if (
      !spend ||
      !Array.isArray(outputs) ||
      outputs.length < 1 ||
      outputs.length > MAX_SPEND_OUTPUTS ||
      !outputs.every((o) => isFen(o?.amount) && o.amount > 0 && isKeyText(o.owner)) ||
      !Number.isInteger(link.output) ||
      link.output < 0 ||
      link.output >= outputs.length ||
      typeof spend.requestId !== 'string' ||
      !Number.isSafeInteger(spend.counter) ||
      !Number.isSafeInteger(spend.time) ||
      typeof link.signer !== 'object' ||
      link.signer === null
    ) {
      fail(PATH_ERRORS.SPEND_MALFORMED, i, 'the spend or its link is malformed');
    }
    if (i > issue.maxHops) {
      fail(PATH_ERRORS.PATH_HOP_LIMIT, i, `coin ${issue.coinId} allows ${issue.maxHops} hops`);
    }
    if (spend.inputCoinId !== id)
      fail(PATH_ERRORS.SPEND_WRONG_INPUT, i, `spends ${spend.inputCoinId}, not ${id}`);
    if (link.signer.publicKey !== owner) {
      fail(
        PATH_ERRORS.SPEND_WRONG_SIGNER,
        i,
        `signer certificate ${link.signer.deviceId} does not own the input`,
      );
    }
    const hash = spendHash(spend);
    if (!options.isKnownSpend?.(hash)) {
      try {
        verifyDeviceCert(link.signer, options.trust, options.verifier, {
          now: spend.time,
          revokedDevices: options.revokedDevices,
        });
      } catch (e) {
        if (isEcnyError(e)) fail(e.code, i, e.message);
        throw e;
      }
      if (!verifyObject(SPEND_TYPE, spend, fromBase64Url(owner), options.verifier)) {
        fail(PATH_ERRORS.SPEND_BAD_SIGNATURE, i, `spend of ${id} is not signed by its owner`);
      }
    }
    const total = outputs.reduce((sum, o) => sum + o.amount, 0);
    if (total !== amount)
      fail(PATH_ERRORS.SPEND_AMOUNT_MISMATCH, i, `outputs total ${total}, input is ${amount}`);
    if (spend.time > issue.expiresAt) fail(PATH_ERRORS.COIN_EXPIRED, i, `spent after the coin expired`);

    spendHashes.push(hash);
    inputCoinIds.push(id);
    id = outputCoinId(spend, link.output);
    amount = outputs[link.output]!.amount;
    owner = outputs[link.output]!.owner;
  });

  return { coinId: id, amount, owner, hops: coin.links.length, spendHashes, inputCoinIds };
}
