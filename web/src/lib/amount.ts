/**
 * An amount typed into a form: yuan text to fen, and more than ¥0. The ledger
 * moves no zero amounts, so ¥0 is refused here with its own code rather than
 * sent and answered with a bare "invalid field".
 */
import { EcnyError, type Fen, parseYuan } from '@ecny-sim/wallet-core';

export function parseAmount(text: string): Fen {
  const fen = parseYuan(text);
  if (fen === 0) throw new EcnyError('AMOUNT_ZERO', 'the amount must be more than 0');
  return fen;
}
