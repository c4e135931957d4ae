/**
 * Payment code (customer-presented): a short-lived code signed here by the
 * device key, shown as a QR for the merchant to scan. A new code is signed
 * every REFRESH_MS - well before the 60 s expiry - and right after a charge,
 * since each code is single use.
 */
import { formatFen, type IssuedPaymentCode, paymentCodeRefresher, type Signer } from '@ecny-sim/wallet-core';
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../lib/i18n';
import { QrCanvas } from '../scan/QrCanvas';
import { usePhone } from '../wallet/phone-context';
import '../scan/scan.css';

/** A fresh code replaces the shown one after this long (codes are valid for 60 s). */
export const REFRESH_MS = 40_000;
/** Most a merchant may charge one code: ¥2,000. */
export const PAYMENT_CODE_CAP_FEN = 200_000;

export function PayCodeScreen() {
  const { session } = usePhone();
  const signer = session.client?.device?.signer;
  const walletId = session.device?.walletId;
  const deviceId = session.device?.deviceId;
  if (!signer || !walletId || !deviceId || !session.wallet) return null;
  return (
    <PaymentCodeView
      key={`${walletId}/${deviceId}`}
      signer={signer}
      walletId={walletId}
      deviceId={deviceId}
    />
  );
}

function PaymentCodeView({
  signer,
  walletId,
  deviceId,
}: {
  signer: Signer;
  walletId: string;
  deviceId: string;
}) {
  const { t } = useI18n();
  const { session } = usePhone();
  const refresher = useMemo(
    () => paymentCodeRefresher({ walletId, deviceId, maxAmount: PAYMENT_CODE_CAP_FEN }, signer),
    [walletId, deviceId, signer],
  );
  const [issued, setIssued] = useState<IssuedPaymentCode>(() => refresher());
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);

  const refreshAt = issued.code.issuedAt + REFRESH_MS;
  useEffect(() => {
    if (now >= refreshAt) setIssued(refresher());
  }, [now, refreshAt, refresher]);

  // The ledger moved (this code may just have been charged): show an unused code.
  const version = session.ledgerVersion;
  const [seenVersion, setSeenVersion] = useState(version);
  if (seenVersion !== version) {
    setSeenVersion(version);
    setIssued(refresher());
  }

  const secondsToRefresh = Math.max(0, Math.ceil((refreshAt - now) / 1000));
  // The code's own expiry, the figure the merchant's screen shows for the same code.
  const secondsValid = Math.max(0, Math.ceil((issued.code.expiresAt - now) / 1000));
  return (
    <div className="screen">
      <h2 className="screen-title">{t('paycode.title')}</h2>
      <div className="qr-card">
        <QrCanvas text={issued.text} testId="paycode-qr" label={t('paycode.title')} />
        <span className="muted small">{t('paycode.cap', { amount: formatFen(issued.code.maxAmount) })}</span>
        <span className="paycode-countdown" data-testid="paycode-expires" data-seconds={secondsValid}>
          {t('paycode.validFor', { s: secondsValid })}
        </span>
        <span className="muted small" data-testid="paycode-countdown" data-seconds={secondsToRefresh}>
          {t('paycode.refreshIn', { s: secondsToRefresh })}
        </span>
        <span className="muted small mono" data-testid="paycode-id">
          {issued.code.codeId}
        </span>
        <button
          type="button"
          className="link-button"
          onClick={() => setIssued(refresher())}
          data-testid="paycode-refresh"
        >
          {t('paycode.refresh')}
        </button>
      </div>
      <p className="muted small">{t('paycode.hint')}</p>
    </div>
  );
}
