/** Moves money from the linked bank account into the wallet (POST topup, device-signed). */
import { formatFen } from '@ecny-sim/wallet-core';
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { parseAmount } from '../../../lib/amount';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { topUp } from '../api/top-up';
import { usePhone } from '../phone-context';

export function TopUpForm() {
  const { t } = useI18n();
  const { session } = usePhone();
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<number | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session.client || !session.wallet) return;
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      const fen = parseAmount(amount);
      const wallet = await topUp(session.client, session.wallet.walletId, fen);
      session.walletChanged(wallet);
      setDone(fen);
      setAmount('');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit}>
      <h3>{t('topup.title')}</h3>
      <div className="row">
        <input
          className="input"
          inputMode="decimal"
          placeholder={t('topup.amount')}
          aria-label={t('topup.amount')}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          data-testid="topup-amount"
        />
        <button type="submit" className="button" disabled={busy || !amount} data-testid="topup-submit">
          {t('topup.submit')}
        </button>
      </div>
      {done !== null && <p className="success">{t('topup.done', { amount: formatFen(done) })}</p>}
      <ErrorNotice error={error} />
    </form>
  );
}
