/** Human explanations of the campaign and restricted-money refusal codes, shown with the code. */
import type { ErrorInfo } from '../../lib/errors';
import { type MessageKey, useI18n } from '../../lib/i18n';

const EXPLANATIONS: Record<string, MessageKey> = {
  CAMPAIGN_REGION: 're.refusal.CAMPAIGN_REGION',
  CAMPAIGN_RESIDENCY: 're.refusal.CAMPAIGN_RESIDENCY',
  CAMPAIGN_NOT_OPEN: 're.refusal.CAMPAIGN_NOT_OPEN',
  CAMPAIGN_CLOSED: 're.refusal.CAMPAIGN_CLOSED',
  ALREADY_REGISTERED: 're.refusal.ALREADY_REGISTERED',
  CAMPAIGN_NOT_WINNER: 're.refusal.CAMPAIGN_NOT_WINNER',
  RESTRICTED_PERSON: 're.refusal.RESTRICTED_PERSON',
  RESTRICTED_MERCHANT: 're.refusal.RESTRICTED_MERCHANT',
  RESTRICTED_EXPIRED: 're.refusal.RESTRICTED_EXPIRED',
  RESTRICTED_NOT_STARTED: 're.refusal.RESTRICTED_NOT_STARTED',
  RESTRICTED_NOT_REDEEMABLE: 're.refusal.RESTRICTED_NOT_REDEEMABLE',
};

export function explanationKey(code: string): MessageKey | null {
  return EXPLANATIONS[code] ?? null;
}

/** The refusal code and what it means for the user; nothing for other errors. */
export function RefusalExplanation({
  error,
  testId = 'refusal',
}: {
  error: ErrorInfo | null;
  testId?: string;
}) {
  const { t } = useI18n();
  if (!error) return null;
  const key = explanationKey(error.code);
  if (!key) return null;
  return (
    <div className="re-refusal" role="status" data-testid={testId} data-code={error.code}>
      <code className="re-refusal-code" data-testid={`${testId}-code`}>
        {error.code}
      </code>
      <span>{t(key)}</span>
    </div>
  );
}
