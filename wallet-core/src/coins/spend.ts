/**
 * Spends: the owner's device signs {inputCoinId, outputs, requestId, counter,
 * time}. One input, one or two outputs (payment, then change), amounts
 * conserved. Output coin ids are derived from the spend hash and the output
 * index, so anyone can recompute them.
 */
import { concatBytes, toBase64Url } from '../crypto/bytes';
import { domainTag, objectHash, sha256 } from '../crypto/hash';
import type { Signer } from '../crypto/keys';
import { bodyOf, type Signed, signObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import type { Fen } from '../money/fen';

export const SPEND_TYPE = 'spend';
/** Domain tag of output coin id derivation. */
export const COIN_ID_TYPE = 'coin-id';
export const MAX_SPEND_OUTPUTS = 2;

export interface SpendOutput {
  /** base64url Ed25519 public key of the new owner. */
  owner: string;
  amount: Fen;
}

export interface SpendBody {
  inputCoinId: string;
  /** Output 0 pays the payee; output 1, when present, is the change. */
  outputs: SpendOutput[];
  /** The payment request this spend answers (binds the spend to one touch exchange). */
  requestId: string;
  /** The secure element's monotonic counter at signing. */
  counter: number;
  time: number;
}
export type Spend = Signed<SpendBody>;

/** Low-level signing; devices sign spends through their SecureElement, which enforces the rules. */
export function signSpend(body: SpendBody, signer: Signer): Spend {
  if (body.outputs.length < 1 || body.outputs.length > MAX_SPEND_OUTPUTS) {
    throw new EcnyError('SPEND_MALFORMED', `a spend has 1 or ${MAX_SPEND_OUTPUTS} outputs`);
  }
  return signObject(SPEND_TYPE, body, signer);
}

/** SHA-256 digest of the spend body under type `spend` (the signature is not part of it). */
export function spendDigest(spend: Spend | SpendBody): Uint8Array {
  const body = 'sig' in spend ? bodyOf(spend as Spend) : spend;
  return objectHash(SPEND_TYPE, body);
}

/** base64url spend hash: the spend's identity in spent sets and fraud proofs. */
export function spendHash(spend: Spend | SpendBody): string {
  return toBase64Url(spendDigest(spend));
}

/** Coin id of output `index`: base64url(SHA-256("ecny-sim/v1/coin-id" || 0x00 || spendDigest || index byte)). */
export function outputCoinId(spend: Spend | SpendBody, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_SPEND_OUTPUTS) {
    throw new EcnyError('SPEND_MALFORMED', `output index ${index} out of range`);
  }
  return toBase64Url(
    sha256(concatBytes(domainTag(COIN_ID_TYPE), spendDigest(spend), new Uint8Array([index]))),
  );
}

export function spendTotal(spend: Spend | SpendBody): number {
  return spend.outputs.reduce((sum, o) => sum + o.amount, 0);
}
