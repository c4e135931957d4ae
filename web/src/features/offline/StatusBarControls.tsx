/**
 * Controls on a phone's status bar: the airplane-mode quick toggle, and on
 * the demo page the ⇄ handle to drag this phone onto another one (pointer
 * events; dropping it on another phone starts a touch where the dragged
 * phone pays).
 */
import { type PointerEvent, useContext, useState } from 'react';
import { useI18n } from '../../lib/i18n';
import type { PhoneSession } from '../wallet/use-phone-session';
import { TouchHubContext } from './touch-hub';

export function AirplaneToggle({ session }: { session: PhoneSession }) {
  const { t } = useI18n();
  const on = session.airplane;
  return (
    <button
      type="button"
      className={on ? 'airplane-toggle on' : 'airplane-toggle'}
      aria-pressed={on}
      title={t(on ? 'airplane.on' : 'airplane.off')}
      aria-label={t('settings.airplane')}
      onClick={() => void session.setAirplane(!on)}
      data-testid="airplane-toggle"
      data-on={on ? 'true' : 'false'}
    >
      ✈
    </button>
  );
}

/** The phone number of the phone under a point of the page, if any. */
function phoneAt(x: number, y: number): number | null {
  for (const element of document.elementsFromPoint(x, y)) {
    const phone = element.closest<HTMLElement>('[data-phone]');
    if (phone?.dataset.phone) return Number(phone.dataset.phone);
  }
  return null;
}

export function TouchHandle({ phone }: { phone: number }) {
  const { t } = useI18n();
  const hub = useContext(TouchHubContext);
  const [drag, setDrag] = useState<{ x: number; y: number; over: number | null } | null>(null);
  if (!hub) return null;

  const onPointerDown = (e: PointerEvent<HTMLButtonElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ x: e.clientX, y: e.clientY, over: null });
  };
  const onPointerMove = (e: PointerEvent<HTMLButtonElement>) => {
    if (!drag) return;
    const over = phoneAt(e.clientX, e.clientY);
    setDrag({ x: e.clientX, y: e.clientY, over: over === phone ? null : over });
  };
  const onPointerUp = (e: PointerEvent<HTMLButtonElement>) => {
    if (!drag) return;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    setDrag(null);
    const target = phoneAt(e.clientX, e.clientY);
    if (target !== null && target !== phone) hub.pair(phone, target);
  };

  return (
    <>
      <button
        type="button"
        className={drag ? 'touch-handle dragging' : 'touch-handle'}
        title={t('touch.handle')}
        aria-label={t('touch.handle')}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => setDrag(null)}
        data-testid="touch-handle"
      >
        ⇄
      </button>
      {drag && (
        <div
          className={drag.over !== null ? 'touch-ghost over' : 'touch-ghost'}
          style={{ left: drag.x, top: drag.y }}
          aria-hidden="true"
        >
          📱{drag.over !== null ? ` → ${t('touch.phone', { n: drag.over })}` : ''}
        </div>
      )}
    </>
  );
}
