/**
 * The red envelope (红包) a winner opens: a gold 開 seal on a red envelope;
 * opening asks the server to credit the prize, then the flap swings open and
 * the card with the amount slides out (CSS animation, red-envelopes.css).
 * `data-state` is closed -> opening -> opened (after the animation).
 */
import { useEffect, useState } from 'react';
import { Money } from '../../components/Money';
import { useI18n } from '../../lib/i18n';

export type EnvelopeState = 'closed' | 'opening' | 'opened';

const ANIMATION_MS = 1200;

export function RedEnvelope({
  title,
  amount,
  alreadyOpen,
  busy,
  onOpen,
}: {
  title: string;
  /** Known once the envelope is opened (the claim's answer). */
  amount: number | null;
  alreadyOpen: boolean;
  busy: boolean;
  onOpen(): void;
}) {
  const { t } = useI18n();
  const [state, setState] = useState<EnvelopeState>(alreadyOpen ? 'opened' : 'closed');
  useEffect(() => {
    if (amount === null || state !== 'closed') return;
    if (alreadyOpen) {
      setState('opened');
      return;
    }
    setState('opening');
  }, [amount, alreadyOpen, state]);
  useEffect(() => {
    if (state !== 'opening') return;
    const timer = setTimeout(() => setState('opened'), ANIMATION_MS);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <div className={`envelope ${state}`} data-testid="envelope" data-state={state}>
      <div className="envelope-back" />
      <div className="envelope-card">
        {amount !== null && (
          <>
            <span className="envelope-card-label">{t('re.envelope.youGot')}</span>
            <Money fen={amount} className="envelope-amount" testId="envelope-amount" />
            <span className="envelope-card-label">{title}</span>
          </>
        )}
      </div>
      <div className="envelope-pocket">
        <span className="envelope-blessing">{t('re.envelope.blessing')}</span>
      </div>
      <div className="envelope-flap" />
      {state === 'closed' && (
        <button
          type="button"
          className="envelope-seal"
          onClick={onOpen}
          disabled={busy}
          data-testid="envelope-open"
          aria-label={t('re.envelope.open')}
        >
          開
        </button>
      )}
    </div>
  );
}
