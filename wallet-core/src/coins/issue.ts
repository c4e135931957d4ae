/**
 * Root coins. When a wallet loads value onto a device the issuer signs an
 * `Issue`: a coin of `amount` fen owned by the device key, valid until
 * `expiresAt`, spendable through at most `maxHops` offline spends.
 */
import { randomBytes, toBase64Url } from '../crypto/bytes';
import type { Signer, Verifier } from '../crypto/keys';
import { type Signed, signObject, verifyObject } from '../crypto/signed';
import type { Fen } from '../money/fen';
import type { CoinRestriction } from './restriction';

export const ISSUE_TYPE = 'coin-issue';

export interface IssueBody {
  /** base64url of 32 bytes, chosen by the issuer (random or derived from the load). */
  coinId: string;
  amount: Fen;
  /** base64url Ed25519 public key of the device that owns the root coin. */
  owner: string;
  expiresAt: number;
  /** Number of offline spends allowed in the coin's path before it must be deposited. */
  maxHops: number;
  restriction?: CoinRestriction;
}
export type Issue = Signed<IssueBody>;

/** A fresh random root coin id (base64url of 32 random bytes). */
export function newRootCoinId(): string {
  return toBase64Url(randomBytes(32));
}

export function signIssue(body: IssueBody, issuer: Signer): Issue {
  return signObject(ISSUE_TYPE, body, issuer);
}

export function verifyIssueSignature(issue: Issue, issuerPublicKey: Uint8Array, verifier: Verifier): boolean {
  return verifyObject(ISSUE_TYPE, issue, issuerPublicKey, verifier);
}
