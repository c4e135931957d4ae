/**
 * Receive (merchant): the shop's static QR, or a dynamic QR for an amount
 * entered here (a one-time bill), drawn as a real QR image for customers to
 * scan; payments show up live from the event stream, and a dynamic bill
 * turns "paid" when its payment settles.
 */
import { formatFen, type QrBill } from '@ecny-sim/wallet-core';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { QrCanvas } from '../scan/QrCanvas';
import { usePhone } from '../wallet/phone-context';
import { createDynamicQr, type DynamicQr } from './api/dynamic-qr';
import { fetchQrBill } from './api/qr-bill';
import { fetchStaticQr } from './api/static-qr';
import { NotAMerchant } from './NotAMerchant';
import { ReceivedList } from './ReceivedList';
import '../scan/scan.css';
import { parseAmount } from '../../lib/amount';

type Mode = 'static' | 'dynamic';

export function ReceiveScreen() {
  const { t } = useI18n();
  const { session, navigate } = usePhone();
  const [mode, setMode] = useState<Mode>('dynamic');
  const [staticPayload, setStaticPayload] = useState<string | null>(null);
  const [dynamic, setDynamic] = useState<DynamicQr | null>(null);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const wallet = session.wallet;
  const client = session.client;
  const walletId = wallet?.walletId;
  const isMerchant = !!wallet?.merchant;

  useEffect(() => {
    if (mode !== 'static' || !client || !walletId || !isMerchant) return;
    let live = true;
    fetchStaticQr(client, walletId).then(
      (payload) => live && setStaticPayload(payload),
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [mode, client, walletId, isMerchant]);

  // The bill's status, re-read whenever the ledger moves (a live payment to this wallet).
  const billId = dynamic?.bill.status === 'open' ? dynamic.bill.billId : null;
  const version = session.ledgerVersion;
  useEffect(() => {
    if (!billId || !client || !walletId) return;
    let live = true;
    void version;
    fetchQrBill(client, walletId, billId).then(
      (bill: QrBill) => live && setDynamic((d) => (d && d.bill.billId === bill.billId ? { ...d, bill } : d)),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [billId, client, walletId, version]);

  if (!wallet) return null;
  if (!wallet.merchant) return <NotAMerchant />;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!client) return;
    setError(null);
    setBusy(true);
    try {
      setDynamic(await createDynamicQr(client, wallet.walletId, parseAmount(amount)));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const payload = mode === 'static' ? staticPayload : dynamic?.payload;
  return (
    <div className="screen">
      <h2 className="screen-title">{t('receive.title')}</h2>
      <div className="segmented">
        {(['dynamic', 'static'] as const).map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={mode === m}
            onClick={() => {
              setMode(m);
              setError(null);
            }}
            data-testid={`receive-mode-${m}`}
          >
            {t(m === 'static' ? 'receive.static' : 'receive.dynamic')}
          </button>
        ))}
      </div>
      {mode === 'dynamic' && (
        <form className="row" onSubmit={create}>
          <input
            className="input amount"
            inputMode="decimal"
            placeholder="0.00"
            aria-label={t('pay.amount')}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            data-testid="receive-amount"
          />
          <button
            type="submit"
            className="button primary"
            disabled={busy || !amount}
            data-testid="receive-create"
          >
            {t('receive.create')}
          </button>
        </form>
      )}
      {payload && (
        <div className="qr-card">
          <QrCanvas
            text={payload}
            testId="merchant-qr"
            label={t('receive.qrLabel', { name: wallet.merchant.name })}
          />
          <strong>{wallet.merchant.name}</strong>
          <span className="muted small">{wallet.merchant.city}</span>
          {mode === 'dynamic' && dynamic ? (
            <>
              <span className="qr-amount" data-testid="receive-qr-amount">
                {formatFen(dynamic.bill.amount)}
              </span>
              <span
                className={dynamic.bill.status === 'paid' ? 'verified' : 'muted small'}
                data-testid="receive-bill-status"
                data-status={dynamic.bill.status}
              >
                {t(`receive.bill.${dynamic.bill.status}`)}
              </span>
            </>
          ) : (
            <span className="muted small">{t('receive.staticHint')}</span>
          )}
        </div>
      )}
      <ErrorNotice error={error} />
      <button
        type="button"
        className="button secondary"
        onClick={() => navigate('charge')}
        data-testid="receive-charge"
      >
        {t('charge.title')}
      </button>
      <ReceivedList />
    </div>
  );
}
