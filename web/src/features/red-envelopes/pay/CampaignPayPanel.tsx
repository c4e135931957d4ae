/**
 * On the pay screen while the wallet holds campaign money: how much of it is
 * usable, a "red envelope only" switch, how the last payment was split, and
 * why the campaign money was refused (a RESTRICTED_* code from the server, or
 * the same rule checked here when the wallet's own money paid instead).
 */
import { type DirectoryEntry, restrictedRefusal } from '@ecny-sim/wallet-core';
import { Money } from '../../../components/Money';
import type { ErrorInfo } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { explanationKey, RefusalExplanation } from '../refusals';
import type { CampaignPay } from './use-campaign-pay';
import '../red-envelopes.css';

export function CampaignPayPanel({
  pay,
  error,
  directory,
}: {
  pay: CampaignPay;
  error: ErrorInfo | null;
  directory: DirectoryEntry[] | null;
}) {
  const { t } = useI18n();
  if (!pay.active && !pay.lastSplit && !(error && explanationKey(error.code))) return null;
  const split = pay.lastSplit;
  // Paid, but not with campaign money: say why, with the rule wallet-core applies on the server.
  let unusedBecause: ErrorInfo | null = null;
  if (split && split.fromRestricted === 0 && pay.balances.length > 0) {
    const payee = directory?.find((w) => w.walletId === split.to);
    const merchant = payee?.merchant ? { region: payee.merchant.region, mcc: payee.merchant.mcc } : null;
    for (const b of pay.balances) {
      if (b.amount <= 0) continue;
      const refusal = restrictedRefusal(b, { kind: 'wallet', walletId: split.to, merchant }, Date.now());
      if (refusal) {
        unusedBecause = refusal;
        break;
      }
    }
  }
  return (
    <div className="re-pay-panel" data-testid="pay-restricted">
      {pay.active && (
        <>
          <div className="re-pay-available">
            🧧 {t('re.pay.available')} <Money fen={pay.usable} testId="pay-restricted-available" />
          </div>
          <label className="re-check">
            <input
              type="checkbox"
              checked={pay.restrictedOnly}
              onChange={(e) => pay.setRestrictedOnly(e.target.checked)}
              data-testid="pay-restricted-only"
            />
            {t('re.pay.only')}
          </label>
          <p className="muted small">{t('re.pay.hint')}</p>
        </>
      )}
      {split && (
        <div className="re-pay-split" data-testid="pay-restricted-split">
          {t('re.pay.split')} <Money fen={split.fromRestricted} testId="pay-from-restricted" /> ·{' '}
          {t('re.pay.own')} <Money fen={split.fromOwn} testId="pay-from-own" />
        </div>
      )}
      {unusedBecause && (
        <>
          <p className="muted small">{t('re.pay.notUsed')}</p>
          <RefusalExplanation error={unusedBecause} testId="restricted-refusal" />
        </>
      )}
      <RefusalExplanation error={error} testId="restricted-refusal" />
    </div>
  );
}
