/** Shows an API or local error with its stable code and message. */
import type { ErrorInfo } from '../lib/errors';
import { useI18n } from '../lib/i18n';

export function ErrorNotice({ error, onRetry }: { error: ErrorInfo | null; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div className="error-notice" role="alert" data-testid="error">
      <code className="error-code" data-testid="error-code">
        {error.code}
      </code>
      <span className="error-message">{error.message}</span>
      {onRetry && (
        <button type="button" className="link-button" onClick={onRetry}>
          {t('error.retry')}
        </button>
      )}
    </div>
  );
}
