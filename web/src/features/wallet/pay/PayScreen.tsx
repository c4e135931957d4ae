/**
 * Pay online: pick a payee from the directory (or paste a wallet id), enter
 * yuan, sign with the device key; the issuer's receipt is verified here
 * before the payment is shown as done.
 */
import { formatFen } from '@ecny-sim/wallet-core';
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { parseAmount } from '../../../lib/amount';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { CampaignPayPanel } from '../../red-envelopes/pay/CampaignPayPanel';
import { useCampaignPay } from '../../red-envelopes/pay/use-campaign-pay';
import { displayNameOf, useDirectory } from '../api/directory';
import { payOnline, type SettledPayment } from '../api/pay';
import { usePhone } from '../phone-context';

const PASTE = '__paste__';

export function PayScreen() {
  const { t } = useI18n();
  const { session, issuer } = usePhone();
  const { wallets, error: directoryError } = useDirectory();
  const [choice, setChoice] = useState('');
  const [pasted, setPasted] = useState('');
  const [amount, setAmount] = useState('');
  const [memo, setMemo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [paid, setPaid] = useState<SettledPayment | null>(null);
  // Campaign (red-envelope) money is spent first at eligible shops: POST /v1/campaigns/pay.
  const campaignPay = useCampaignPay();
  const wallet = session.wallet;
  if (!wallet) return null;

  const payees = (wallets ?? []).filter((w) => w.walletId !== wallet.walletId);
  const payee = choice === PASTE ? pasted.trim() : choice;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session.client || !issuer) return;
    setError(null);
    setPaid(null);
    if (!payee) {
      setError({ code: 'NO_PAYEE', message: 'no payee chosen' });
      return;
    }
    setBusy(true);
    try {
      const fen = parseAmount(amount);
      const payment = {
        from: wallet.walletId,
        to: payee,
        amount: fen,
        ...(memo.trim() ? { memo: memo.trim() } : {}),
      };
      const settled = campaignPay.active
        ? await campaignPay.pay(session.client, payment, issuer.issuerPublicKey)
        : await payOnline(session.client, payment, issuer.issuerPublicKey);
      setPaid(settled);
      setAmount('');
      setMemo('');
      session.walletChanged({ ...wallet, balance: settled.balance });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="screen" onSubmit={submit}>
      <h2 className="screen-title">{t('pay.title')}</h2>
      <p className="muted">{t('pay.available', { amount: formatFen(wallet.balance) })}</p>
      <label className="field">
        <span>{t('pay.to')}</span>
        <select
          className="input"
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          data-testid="pay-to"
        >
          <option value="">{t('pay.choose')}</option>
          {payees.map((w) => (
            <option key={w.walletId} value={w.walletId}>
              {w.merchant ? `🏪 ${w.merchant.name}` : w.displayName}
            </option>
          ))}
          <option value={PASTE}>{t('pay.paste')}</option>
        </select>
      </label>
      {choice === PASTE && (
        <label className="field">
          <span>{t('pay.pasteLabel')}</span>
          <input
            className="input mono"
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            placeholder="w_…"
            data-testid="pay-to-id"
          />
        </label>
      )}
      <label className="field">
        <span>{t('pay.amount')}</span>
        <input
          className="input amount"
          inputMode="decimal"
          placeholder="0.00"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          data-testid="pay-amount"
        />
      </label>
      <label className="field">
        <span>{t('pay.memo')}</span>
        <input
          className="input"
          maxLength={140}
          value={memo}
          onChange={(e) => setMemo(e.target.value)}
          data-testid="pay-memo"
        />
      </label>
      <button
        type="submit"
        className="button primary wide"
        disabled={busy || !amount || !issuer}
        data-testid="pay-submit"
      >
        {busy ? t('pay.sending') : t('pay.submit')}
      </button>
      {paid && (
        <div className="success-card" data-testid="pay-result">
          <div>
            {t('pay.done', {
              amount: formatFen(paid.receipt.amount),
              name: displayNameOf(wallets, paid.receipt.to),
            })}
          </div>
          <div className="verified" data-testid="pay-receipt-verified">
            ✓ {t('receipt.verified')} · #{paid.receipt.ledgerSeq}
          </div>
        </div>
      )}
      <CampaignPayPanel pay={campaignPay} error={error} directory={wallets} />
      <ErrorNotice error={error} />
      <ErrorNotice error={directoryError} />
    </form>
  );
}
