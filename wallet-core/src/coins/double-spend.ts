/**
 * Fraud proofs. Two different spends of the same coin, both signed by the
 * coin's owner, prove a double spend by that owner's device. Anyone holding
 * the issuer key can check a proof offline.
 */
import { type DeviceCert, verifyDeviceCert } from '../certs/certs';
import { fromBase64Url } from '../crypto/bytes';
import { verifyObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import type { Fen } from '../money/fen';
import { type Coin, coinOwner } from './coin';
import { SPEND_TYPE, type Spend, spendHash } from './spend';
import { type PathCheckOptions, verifyPath } from './verify-path';

export interface DoubleSpendProof {
  /** The coin that was spent twice, with its path. */
  coin: Coin;
  /** Device certificate of the coin's owner (the culprit). */
  culprit: DeviceCert;
  first: Spend;
  second: Spend;
}

export interface DoubleSpendFacts {
  coinId: string;
  amount: Fen;
  culpritDeviceId: string;
  culpritWalletId: string;
  firstHash: string;
  secondHash: string;
}

/** Throws DOUBLE_SPEND_PROOF_INVALID (or a path code) unless the proof holds. Expiry and revocation are not held against it. */
export function verifyDoubleSpendProof(
  proof: DoubleSpendProof,
  options: Omit<PathCheckOptions, 'allowExpired' | 'revokedDevices'>,
): DoubleSpendFacts {
  const coin = verifyPath(proof.coin, { ...options, allowExpired: true });
  const invalid = (message: string) => new EcnyError('DOUBLE_SPEND_PROOF_INVALID', message);
  if (proof.culprit.publicKey !== coinOwner(proof.coin) || proof.culprit.publicKey !== coin.owner) {
    throw invalid('the culprit certificate is not the coin owner');
  }
  const owner = fromBase64Url(coin.owner);
  for (const spend of [proof.first, proof.second]) {
    if (spend.inputCoinId !== coin.coinId) throw invalid('a spend does not consume the coin');
    if (!verifyObject(SPEND_TYPE, spend, owner, options.verifier))
      throw invalid('a spend is not signed by the owner');
  }
  const firstHash = spendHash(proof.first);
  const secondHash = spendHash(proof.second);
  if (firstHash === secondHash) throw invalid('the two spends are the same');
  // The culprit's certificate must chain to the issuer; revocation (a consequence of the proof) is ignored.
  verifyDeviceCert(proof.culprit, options.trust, options.verifier, {
    now: Math.min(proof.first.time, proof.second.time),
  });
  return {
    coinId: coin.coinId,
    amount: coin.amount,
    culpritDeviceId: proof.culprit.deviceId,
    culpritWalletId: proof.culprit.walletId,
    firstHash,
    secondHash,
  };
}
