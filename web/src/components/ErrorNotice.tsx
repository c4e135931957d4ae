/**
 * Shows an error as a translated sentence for the user; its stable code stays on a small line,
 * with the server's own message (English, for developers) in that line's tooltip.
 */
import { errorText } from '../lib/error-messages';
import type { ErrorInfo } from '../lib/errors';
import { useI18n } from '../lib/i18n';

export function ErrorNotice({
  error,
  onRetry,
  text,
}: {
  error: ErrorInfo | null;
  onRetry?: () => void;
  /** The sentence to show instead of the code's own, where the screen knows what it is about. */
  text?: string;
}) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div className="error-notice" role="alert" data-testid="error" data-code={error.code}>
      <span className="error-message" data-testid="error-message">
        {text ?? errorText(t, error)}
      </span>
      <code className="error-code" data-testid="error-code" title={`${t('err.details')}: ${error.message}`}>
        {error.code}
      </code>
      {onRetry && (
        <button type="button" className="link-button" onClick={onRetry}>
          {t('error.retry')}
        </button>
      )}
    </div>
  );
}
