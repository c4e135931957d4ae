/**
 * Collect (merchant): scan the customer's payment code from pixels (their
 * phone's screen, a picture, the camera), check its shape and expiry here,
 * enter the amount and charge it; the issuer's receipt for the code is
 * verified before the charge shows as done.
 */
import { decodePaymentCode, formatFen, type PaymentCode, randomId } from '@ecny-sim/wallet-core';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { type ScanResult, ScanSources } from '../scan/ScanSources';
import { displayNameOf, useDirectory } from '../wallet/api/directory';
import { usePhone } from '../wallet/phone-context';
import { chargePaymentCode, type SettledCharge } from './api/charge-payment-code';
import { NotAMerchant } from './NotAMerchant';
import '../scan/scan.css';
import { parseAmount } from '../../lib/amount';

interface ScannedCode {
  text: string;
  code: PaymentCode;
  /** One id per scanned code, so a retried charge is not charged twice. */
  chargeId: string;
  source: ScanResult['source'];
  ms: number;
  scannedAt: number;
}

export function ChargeScreen() {
  const { t } = useI18n();
  const { session, issuer } = usePhone();
  const { wallets } = useDirectory();
  const [scanned, setScanned] = useState<ScannedCode | null>(null);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [charged, setCharged] = useState<{ settled: SettledCharge; ms: number } | null>(null);
  const now = useSecondClock(!!scanned);
  const wallet = session.wallet;
  if (!wallet) return null;
  if (!wallet.merchant) return <NotAMerchant />;

  const onDecoded = (result: ScanResult) => {
    setCharged(null);
    try {
      const code = decodePaymentCode(result.text);
      setScanned({
        text: result.text,
        code,
        chargeId: randomId('ch'),
        source: result.source,
        ms: result.ms,
        scannedAt: performance.now(),
      });
      setError(null);
    } catch (e) {
      setScanned(null);
      setError(describeError(e));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session.client || !issuer || !scanned) return;
    setError(null);
    setBusy(true);
    try {
      const settled = await chargePaymentCode(
        session.client,
        {
          merchantId: wallet.walletId,
          text: scanned.text,
          code: scanned.code,
          amount: parseAmount(amount),
          chargeId: scanned.chargeId,
        },
        issuer.issuerPublicKey,
      );
      setCharged({ settled, ms: Math.round(performance.now() - scanned.scannedAt) });
      setScanned(null);
      setAmount('');
      session.walletChanged({ ...wallet, balance: settled.balance });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const secondsLeft = scanned ? Math.max(0, Math.ceil((scanned.code.expiresAt - now) / 1000)) : 0;
  return (
    <div className="screen">
      <h2 className="screen-title">{t('charge.title')}</h2>
      <p className="muted small">{t('charge.hint')}</p>
      <ScanSources
        onDecoded={onDecoded}
        onError={(e) => {
          setScanned(null);
          setError(describeError(e));
        }}
        disabled={busy}
      />
      {scanned && (
        <form className="card scan-card" onSubmit={submit} data-testid="charge-code">
          <p className="muted small" data-testid="scan-decode-time">
            {t('scan.decoded', { source: t(`scan.source.${scanned.source}`), ms: scanned.ms })}
          </p>
          <div className="scan-merchant" data-testid="charge-payer">
            {displayNameOf(wallets, scanned.code.walletId)}
          </div>
          <dl className="qr-fields">
            <dt>{t('charge.cap')}</dt>
            <dd data-testid="charge-cap">{formatFen(scanned.code.maxAmount)}</dd>
            <dt>{t('charge.expires')}</dt>
            <dd data-testid="charge-expires">{t('paycode.seconds', { s: secondsLeft })}</dd>
            <dt>{t('charge.codeId')}</dt>
            <dd className="mono">{scanned.code.codeId}</dd>
          </dl>
          <label className="field">
            <span>{t('pay.amount')}</span>
            <input
              className="input amount"
              inputMode="decimal"
              placeholder="0.00"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              data-testid="charge-amount"
            />
          </label>
          <button
            type="submit"
            className="button primary wide"
            disabled={busy || !amount || !issuer}
            data-testid="charge-submit"
          >
            {busy ? t('charge.charging') : t('charge.submit')}
          </button>
        </form>
      )}
      <ErrorNotice
        error={error}
        text={error && isPayerRevoked(error) ? t('charge.payerRevoked') : undefined}
      />
      {charged && (
        <div className="success-card" data-testid="charge-result">
          <div>
            {t('charge.done', {
              amount: formatFen(charged.settled.receipt.amount),
              name: displayNameOf(wallets, charged.settled.receipt.from),
            })}
          </div>
          <div className="verified" data-testid="charge-receipt-verified">
            ✓ {t('receipt.verified')} · #{charged.settled.receipt.ledgerSeq}
          </div>
          <div className="small muted" data-testid="charge-time">
            {t('scan.paidIn', { ms: charged.ms })}
          </div>
        </div>
      )}
    </div>
  );
}

/** Date.now(), re-read every second while `running`. */
function useSecondClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

/**
 * The server refused the payer's device as revoked: a device is told of its own revocation with
 * when and why, so an answer without them is about the customer's device, not this shop's.
 */
function isPayerRevoked(error: ErrorInfo): boolean {
  return error.code === 'DEVICE_REVOKED' && error.status === 403 && error.details === undefined;
}
