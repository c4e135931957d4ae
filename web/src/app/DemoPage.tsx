/**
 * The demo page: independent phones side by side, each with its own wallet,
 * key database and event stream, and the issuer console next to them. By
 * default the phones adopt seeded demo wallets so they start with money.
 */

import { IssuerPanel } from '../features/console/IssuerPanel';
import { TouchHub, TouchHubContext } from '../features/offline/touch-hub';
import { type ScreenCamera, ScreenCameraContext } from '../features/scan/screen-camera';
import type { DemoAssignment } from '../features/wallet/api/demo-wallets';
import { Phone } from '../features/wallet/Phone';
import { PhoneRoster, PhoneRosterContext } from '../features/wallet/phone-roster';
import { useI18n } from '../lib/i18n';

/** Module constants, so a phone's session does not restart on re-render. */
const DEMO_PHONES: readonly { phone: number; demo: DemoAssignment }[] = [
  { phone: 1, demo: { role: 'person', name: 'Li Wei' } },
  { phone: 2, demo: { role: 'person', name: 'Wang Fang' } },
  { phone: 3, demo: { role: 'merchant' } },
];

/** Any phone can point its "camera" at another phone's screen to scan the QR code shown there. */
const SCREEN_CAMERA: ScreenCamera = { phones: DEMO_PHONES.map((p) => p.phone) };

/** Drag one phone onto another (or "Receive by touch") to pay offline over an in-page link. */
const TOUCH_HUB = new TouchHub();

/** Which phone holds which wallet and device, so the issuer panel can name them. */
const PHONE_ROSTER = new PhoneRoster();

export function DemoPage() {
  const { t } = useI18n();
  return (
    <div className="demo-page">
      <p className="demo-intro muted">{t('app.subtitle')}</p>
      <div className="demo-stage">
        <PhoneRosterContext value={PHONE_ROSTER}>
          <ScreenCameraContext value={SCREEN_CAMERA}>
            <TouchHubContext value={TOUCH_HUB}>
              <div className="phones">
                {DEMO_PHONES.map(({ phone, demo }) => (
                  <Phone key={phone} phone={phone} demo={demo} />
                ))}
              </div>
            </TouchHubContext>
          </ScreenCameraContext>
          <IssuerPanel />
        </PhoneRosterContext>
      </div>
    </div>
  );
}
