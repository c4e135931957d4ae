/** Payments received live while a merchant screen is open. */
import { Money } from '../../components/Money';
import { useI18n } from '../../lib/i18n';
import { displayNameOf, useDirectory } from '../wallet/api/directory';
import { usePhone } from '../wallet/phone-context';
import { useReceivedPayments } from './use-received-payments';

export function ReceivedList() {
  const { t } = useI18n();
  const { session } = usePhone();
  const received = useReceivedPayments(session);
  const { wallets } = useDirectory(received.length);
  return (
    <div className="card">
      <h3>{t('receive.live')}</h3>
      {received.length === 0 ? (
        <p className="muted small" data-testid="merchant-waiting">
          {t('receive.waiting')}
        </p>
      ) : (
        <ul className="received-list">
          {received.map((r) => (
            <li key={r.id} data-testid="merchant-received">
              <span>{displayNameOf(wallets, r.from)}</span>
              <Money fen={r.amount} signed="in" />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
