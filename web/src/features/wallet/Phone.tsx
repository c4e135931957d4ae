/**
 * One phone-shaped wallet: status bar, the active screen and the tab bar.
 * Each phone has its own key store, client and event stream (its session),
 * so several phones on one page behave like separate devices.
 */
import { encodeKey, formatFen, NobleSigner } from '@ecny-sim/wallet-core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useI18n } from '../../lib/i18n';
import { OfflineContext } from '../offline/offline-context';
import { AirplaneToggle, TouchHandle } from '../offline/StatusBarControls';
import { useOfflineWallet } from '../offline/use-offline-wallet';
import { useTouch } from '../offline/use-touch';
import type { DemoAssignment } from './api/demo-wallets';
import { useIssuerInfo } from './api/info';
import { ForgetWallet } from './ForgetWallet';
import { Onboarding } from './onboarding/Onboarding';
import { PhoneContext } from './phone-context';
import { usePhoneRoster } from './phone-roster';
import { PHONE_TABS, type PhoneTabId, REVOKED_TABS } from './phone-tabs';
import { RevokedDevice } from './RevokedDevice';
import { isStaleDevice, type PhoneSession, usePhoneSession } from './use-phone-session';
import './wallet.css';

export function Phone({ phone, demo }: { phone: number; demo?: DemoAssignment }) {
  const { t } = useI18n();
  const session = usePhoneSession(phone, demo);
  const { issuer, error: issuerError } = useIssuerInfo();
  const [tab, setTab] = useState<PhoneTabId>('home');
  // A new wallet on this phone (created, adopted, removed) starts on Home.
  const walletId = session.device?.walletId;
  const [tabWallet, setTabWallet] = useState(walletId);
  if (tabWallet !== walletId) {
    setTabWallet(walletId);
    setTab('home');
  }
  // A revoked device keeps only what works without the server: its offline coins, touch, settings.
  const tabs = session.revoked ? PHONE_TABS.filter((x) => REVOKED_TABS.has(x.id)) : PHONE_TABS;
  const active = tabs.find((x) => x.id === tab) ?? tabs[0]!;
  // Offline coins and touch payments of this phone; a touch from another phone brings up the touch screen.
  const offline = useOfflineWallet(session, issuer);
  const showTouch = useCallback(() => setTab('touch'), []);
  const touch = useTouch(phone, offline, showTouch);
  useOnRoster(session);

  return (
    <section
      className="phone"
      data-testid={`phone-${phone}`}
      data-phone={phone}
      aria-label={t('phone.label', { n: phone })}
    >
      <div className="phone-screen">
        <StatusBar session={session} />
        <PhoneContext value={{ session, issuer, tab, navigate: setTab }}>
          <OfflineContext value={{ offline, touch }}>
            <main className="phone-body">
              <ErrorNotice error={issuerError} />
              {session.status === 'loading' && <p className="muted center">{t('phone.loading')}</p>}
              {session.status === 'onboarding' && <Onboarding />}
              {session.status === 'failed' && <FailedDevice session={session} />}
              {session.status === 'ready' && (
                <>
                  <RevokedDevice />
                  <ReceivedNotice session={session} />
                  <active.Screen />
                </>
              )}
            </main>
          </OfflineContext>
        </PhoneContext>
        {session.status === 'ready' && (
          <nav className="tab-bar">
            {tabs
              .filter((x) => x.inTabBar !== false)
              .map((x) => (
                <button
                  key={x.id}
                  type="button"
                  className={x.id === tab ? 'tab active' : 'tab'}
                  aria-current={x.id === tab ? 'page' : undefined}
                  data-testid={`tab-${x.id}`}
                  onClick={() => setTab(x.id)}
                >
                  <span className="tab-icon" aria-hidden="true">
                    {x.icon}
                  </span>
                  {t(x.label)}
                </button>
              ))}
          </nav>
        )}
      </div>
    </section>
  );
}

/** Tells the page which wallet and device this phone holds, for as long as it holds them. */
function useOnRoster(session: PhoneSession): void {
  const roster = usePhoneRoster();
  const { device, wallet, phone } = session;
  const publicKey = useMemo(
    () => (device ? encodeKey(new NobleSigner(device.secretKey).publicKey) : null),
    [device],
  );
  const name = wallet?.merchant?.name ?? wallet?.displayName ?? device?.displayName ?? null;
  const walletId = device?.walletId;
  const deviceId = device?.deviceId;
  useEffect(() => {
    if (!roster || !walletId || !deviceId || !publicKey || !name) return;
    return roster.enter({ phone, name, walletId, deviceId, publicKey });
  }, [roster, phone, name, walletId, deviceId, publicKey]);
}

function StatusBar({ session }: { session: PhoneSession }) {
  const { t } = useI18n();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const live = session.status === 'ready' && session.stream === 'open';
  return (
    <header className="status-bar">
      <span>{now.toTimeString().slice(0, 5)}</span>
      <span className="status-phone">{t('phone.label', { n: session.phone })}</span>
      <span className="status-controls">
        {session.status === 'ready' && <TouchHandle phone={session.phone} />}
        <AirplaneToggle session={session} />
        <span className={live ? 'signal live' : 'signal'} title={session.stream} data-testid="stream-state">
          ●
        </span>
      </span>
    </header>
  );
}

function ReceivedNotice({ session }: { session: PhoneSession }) {
  const { t } = useI18n();
  const { notice, dismissNotice } = session;
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(dismissNotice, 5000);
    return () => clearTimeout(timer);
  }, [notice, dismissNotice]);
  if (!notice) return null;
  return (
    <button type="button" className="notice" data-testid="notice" onClick={dismissNotice}>
      {t('notice.received', { amount: formatFen(notice.amount) })}
    </button>
  );
}

function FailedDevice({ session }: { session: PhoneSession }) {
  return (
    <div className="card">
      <ErrorNotice error={session.error} onRetry={() => void session.refresh()} />
      {isStaleDevice(session.error) && <ForgetWallet session={session} testId="failed-forget" />}
    </div>
  );
}
