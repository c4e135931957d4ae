/**
 * The payee's check of a PaymentBundle against its own PaymentRequest:
 * every spend is bound to the request, pays the payee in output 0, extends a
 * valid path (verifyPath), respects coin restrictions and the payer's offline
 * per-payment limit, and the outputs to the payee add up to the amount asked.
 * Stateless: local double-spend detection against history is the wallet's job.
 */

import { verifyDeviceCert } from '../certs/certs';
import { type Coin, extendCoin } from '../coins/coin';
import { type RestrictionPolicy, restrictionRefusal } from '../coins/restriction';
import { type VerifiedCoin, verifyPath } from '../coins/verify-path';
import { EcnyError, isEcnyError } from '../errors/index';
import { type MessageCheckOptions, type PaymentBundle, type PaymentRequest, payeeInfo } from './messages';

/** Most spends one bundle may carry. */
export const MAX_BUNDLE_SPENDS = 16;

export interface VerifiedBundle {
  /** The coins the payee now owns (output 0 of each spend, with full paths). */
  coins: Coin[];
  /** verifyPath facts of each new coin, in bundle order. */
  verified: VerifiedCoin[];
  amount: number;
}

export function verifyPaymentBundle(
  bundle: PaymentBundle,
  request: PaymentRequest,
  options: MessageCheckOptions & { policy?: RestrictionPolicy },
): VerifiedBundle {
  if (bundle.requestId !== request.requestId) {
    throw new EcnyError('BUNDLE_WRONG_REQUEST', 'the bundle answers another payment request');
  }
  if (!Array.isArray(bundle.spends) || bundle.spends.length < 1 || bundle.spends.length > MAX_BUNDLE_SPENDS) {
    throw new EcnyError('BUNDLE_MALFORMED', `a bundle carries 1 to ${MAX_BUNDLE_SPENDS} spends`);
  }
  verifyDeviceCert(bundle.payer, options.trust, options.verifier, options);
  const payee = payeeInfo(request);
  const inputs = new Set<string>();
  const coins: Coin[] = [];
  const verified: VerifiedCoin[] = [];
  let amount = 0;
  bundle.spends.forEach(({ coin, spend }, k) => {
    if (spend.requestId !== request.requestId) {
      throw new EcnyError('BUNDLE_WRONG_REQUEST', `spend ${k} is bound to another request`, { spend: k });
    }
    if (spend.outputs?.[0]?.owner !== payee.publicKey) {
      throw new EcnyError('BUNDLE_WRONG_PAYEE', `spend ${k} does not pay the payee in output 0`, {
        spend: k,
      });
    }
    if (inputs.has(spend.inputCoinId)) {
      throw new EcnyError('BUNDLE_DUPLICATE_INPUT', `spend ${k} spends a coin twice in one bundle`, {
        spend: k,
      });
    }
    inputs.add(spend.inputCoinId);
    const received = extendCoin(coin, spend, 0, bundle.payer);
    let facts: VerifiedCoin;
    try {
      facts = verifyPath(received, options);
    } catch (e) {
      if (isEcnyError(e)) throw new EcnyError(e.code, `spend ${k}: ${e.message}`, { ...e.details, spend: k });
      throw e;
    }
    const refusal = restrictionRefusal(coin.issue.restriction, payee, options.policy);
    if (refusal) throw new EcnyError('COIN_RESTRICTED', refusal, { spend: k });
    coins.push(received);
    verified.push(facts);
    amount += facts.amount;
  });
  if (amount !== request.amount) {
    throw new EcnyError('BUNDLE_WRONG_AMOUNT', `the bundle pays ${amount} fen, ${request.amount} were asked`);
  }
  if (amount > bundle.payer.offline.perPayment) {
    throw new EcnyError(
      'LIMIT_OFFLINE_PER_PAYMENT',
      `the payer may pay at most ${bundle.payer.offline.perPayment} fen offline`,
    );
  }
  return { coins, verified, amount };
}
