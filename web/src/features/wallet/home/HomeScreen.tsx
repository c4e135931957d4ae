/** Home: the balance card, shortcuts to the other screens, and top up from the linked bank account. */
import { type MessageKey, useI18n } from '../../../lib/i18n';
import { OfflineCard } from '../../offline/OfflineCard';
import { useOffline } from '../../offline/offline-context';
import { RestrictedBalanceCard } from '../../red-envelopes/RestrictedBalanceCard';
import { usePhone } from '../phone-context';
import type { PhoneTabId } from '../phone-tabs';
import { BalanceCard } from './BalanceCard';
import { TopUpForm } from './TopUpForm';

export function HomeScreen() {
  const { session } = usePhone();
  const { touch } = useOffline();
  const isMerchant = !!session.wallet?.merchant;
  return (
    <div className="screen">
      {/* A revoked device: its balance here would be stale and the server refuses it; its coins stay visible. */}
      {!session.revoked && (
        <>
          <BalanceCard />
          <RestrictedBalanceCard />
        </>
      )}
      {!session.revoked && (
        <div className="home-actions">
          <HomeAction tab="pay" icon="¥" label="tab.pay" />
          <HomeAction tab="scan" icon="◎" label="tab.scan" />
          <HomeAction tab="paycode" icon="▦" label="tab.paycode" />
          {isMerchant && (
            <>
              <HomeAction tab="receive" icon="▣" label="tab.receive" />
              <HomeAction tab="charge" icon="◈" label="tab.charge" />
            </>
          )}
          <HomeAction
            tab="touch"
            icon="⇄"
            label="touch.start"
            testId="touch-start"
            before={() => touch.start()}
          />
          <HomeAction tab="campaigns" icon="🧧" label="tab.campaigns" />
          <HomeAction tab="lucky" icon="✉" label="tab.lucky" />
          <HomeAction tab="history" icon="≡" label="tab.history" />
        </div>
      )}
      <OfflineCard />
      {!session.revoked && <TopUpForm />}
    </div>
  );
}

/** A shortcut on the Home grid to another screen (test id `home-<tab>` unless given). */
function HomeAction({
  tab,
  icon,
  label,
  testId = `home-${tab}`,
  before,
}: {
  tab: PhoneTabId;
  icon: string;
  label: MessageKey;
  testId?: string;
  before?: () => void;
}) {
  const { t } = useI18n();
  const { navigate } = usePhone();
  return (
    <button
      type="button"
      className="home-action"
      onClick={() => {
        before?.();
        navigate(tab);
      }}
      data-testid={testId}
    >
      <span className="home-action-icon">{icon}</span>
      {t(label)}
    </button>
  );
}
