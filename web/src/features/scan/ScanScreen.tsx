/**
 * Scan and pay (customer): decode a merchant's QR from pixels (another
 * phone's screen, a picture, the camera), show who and how much before
 * anything is signed, then pay it with a transfer signed by this phone's
 * device key and show the verified receipt.
 */
import { EcnyError, formatFen, type MerchantQr } from '@ecny-sim/wallet-core';
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { parseAmount } from '../../lib/amount';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { usePhone } from '../wallet/phone-context';
import { type PaidQr, payMerchantQr } from './api/pay-qr';
import { type ScanResult, ScanSources } from './ScanSources';
import { fieldName, readMerchantQr } from './scanned-code';
import './scan.css';

interface Scanned extends ScanResult {
  qr: MerchantQr | null;
}

export function ScanScreen() {
  const { t } = useI18n();
  const { session, issuer } = usePhone();
  const [scanned, setScanned] = useState<Scanned | null>(null);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [paid, setPaid] = useState<{ result: PaidQr; ms: number } | null>(null);
  const [scannedAt, setScannedAt] = useState(0);
  const wallet = session.wallet;
  if (!wallet) return null;

  const onDecoded = (result: ScanResult) => {
    const { qr, error: problem } = readMerchantQr(result.text);
    setScanned({ ...result, qr });
    setScannedAt(performance.now());
    setError(problem ? describeError(problem) : null);
    setPaid(null);
    setAmount('');
  };

  const onScanError = (e: unknown) => {
    setScanned(null);
    setPaid(null);
    setError(describeError(e));
  };

  const qr = scanned?.qr ?? null;
  const payable = !!qr?.payableHere && !!qr.ecny;
  const fixedAmount = qr?.amountFen ?? null;

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (!session.client || !issuer || !qr?.ecny || !scanned) return;
    setError(null);
    setBusy(true);
    try {
      const fen = fixedAmount ?? parseAmount(amount);
      if (qr.ecny.walletId === wallet.walletId) {
        throw new EcnyError('SAME_WALLET', 'this is your own code; scan another wallet’s');
      }
      const result = await payMerchantQr(
        session.client,
        { payload: qr.payload, from: wallet.walletId, to: qr.ecny.walletId, amount: fen },
        issuer.issuerPublicKey,
      );
      setPaid({ result, ms: Math.round(performance.now() - scannedAt) });
      setScanned(null);
      session.walletChanged({ ...wallet, balance: result.balance });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="screen">
      <h2 className="screen-title">{t('scan.title')}</h2>
      <p className="muted">{t('pay.available', { amount: formatFen(wallet.balance) })}</p>
      <ScanSources onDecoded={onDecoded} onError={onScanError} disabled={busy} />
      {scanned && (
        <p className="muted small" data-testid="scan-decode-time">
          {t('scan.decoded', { source: t(`scan.source.${scanned.source}`), ms: scanned.ms })}
        </p>
      )}
      {qr && (
        <form className="card scan-card" onSubmit={confirm}>
          <div className="scan-merchant" data-testid="scan-merchant">
            {qr.displayName}
          </div>
          <div className="muted" data-testid="scan-city">
            {qr.merchantCity}
          </div>
          {qr.amountMinor !== null ? (
            <div className="scan-amount" data-testid="scan-amount">
              {qr.amountFen !== null ? formatFen(qr.amountFen) : `${qr.amountText} ${qr.currencyInfo.alpha}`}
            </div>
          ) : (
            payable && (
              <label className="field">
                <span>{t('scan.enterAmount')}</span>
                <input
                  className="input amount"
                  inputMode="decimal"
                  placeholder="0.00"
                  value={amount}
                  onChange={(e) => setAmount(e.target.value)}
                  data-testid="scan-pay-amount"
                />
              </label>
            )
          )}
          <QrFields qr={qr} />
          {payable && (
            <button
              type="submit"
              className="button primary wide"
              disabled={busy || !issuer || (fixedAmount === null && !amount)}
              data-testid="scan-confirm"
            >
              {busy ? t('pay.sending') : t('scan.confirm')}
            </button>
          )}
        </form>
      )}
      <ErrorNotice error={error} />
      {paid && (
        <div className="success-card" data-testid="scan-result">
          <div>
            {t('pay.done', {
              amount: formatFen(paid.result.receipt.amount),
              name: paid.result.merchantName ?? paid.result.receipt.to,
            })}
          </div>
          <div className="verified" data-testid="scan-receipt-verified">
            ✓ {t('receipt.verified')} · #{paid.result.receipt.ledgerSeq}
          </div>
          <div className="small muted" data-testid="scan-paid-time">
            {t('scan.paidIn', { ms: paid.ms })}
          </div>
        </div>
      )}
    </div>
  );
}

/** The code's fields as read: what kind, whose wallet, which bill, and every data object. */
function QrFields({ qr }: { qr: MerchantQr }) {
  const { t } = useI18n();
  return (
    <div data-testid="scan-fields">
      <dl className="qr-fields">
        <dt>{t('scan.kind')}</dt>
        <dd data-testid="scan-kind">{qr.initiation ?? '—'}</dd>
        {qr.ecny && (
          <>
            <dt>{t('settings.wallet')}</dt>
            <dd className="mono" data-testid="scan-wallet">
              {qr.ecny.walletId}
            </dd>
          </>
        )}
        {qr.billId && (
          <>
            <dt>{t('scan.bill')}</dt>
            <dd className="mono" data-testid="scan-bill">
              {qr.billId}
            </dd>
          </>
        )}
        <dt>{t('scan.currency')}</dt>
        <dd>
          {qr.currencyInfo.alpha} ({qr.currency}) · {qr.countryCode} · MCC {qr.mcc}
        </dd>
      </dl>
      <details className="qr-raw">
        <summary>{t('scan.allFields', { n: qr.fields.length })}</summary>
        <dl className="qr-fields">
          {qr.fields.map((f) => (
            <div key={f.id} className="qr-field">
              <dt>
                {f.id} {fieldName(f.id)}
              </dt>
              <dd className="mono">{f.value}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
