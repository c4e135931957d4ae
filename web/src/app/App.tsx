/**
 * The app shell: language, top bar and a tiny router. `/` is the demo page
 * (several phones and the issuer console); `/phone/<n>` shows phone n alone,
 * e.g. to open it in a second window or on a real phone; `/console` is the
 * full-page issuer console (dashboard, fraud cases, campaigns, reports).
 */
import { useMemo, useState } from 'react';
import { Phone } from '../features/wallet/Phone';
import { I18nContext, initialLang, type Lang, rememberLang, translate } from '../lib/i18n';
import { ConsolePage } from './ConsolePage';
import { DemoPage } from './DemoPage';

function route(pathname: string): { page: 'demo' } | { page: 'console' } | { page: 'phone'; phone: number } {
  if (/^\/console\/?$/.test(pathname)) return { page: 'console' };
  const match = /^\/phone\/(\d{1,2})\/?$/.exec(pathname);
  if (match) return { page: 'phone', phone: Number(match[1]) };
  return { page: 'demo' };
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i18n = useMemo(
    () => ({
      lang,
      setLang: (next: Lang) => {
        rememberLang(next);
        document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
        setLangState(next);
      },
      t: (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
        translate(lang, key, vars),
    }),
    [lang],
  );
  const current = route(window.location.pathname);
  const t = i18n.t;

  return (
    <I18nContext value={i18n}>
      <div className="app">
        <header className="top-bar">
          <a className="brand" href="/">
            <span className="brand-mark">¥</span>
            <span>
              <strong>ecny-sim</strong>
              <span className="brand-sub">{t('app.title')}</span>
            </span>
          </a>
          <button
            type="button"
            className="button secondary small"
            onClick={() => i18n.setLang(lang === 'en' ? 'zh' : 'en')}
            data-testid="language-toggle"
          >
            {t('app.language')}
          </button>
        </header>
        {current.page === 'phone' ? (
          <div className="single-phone">
            <Phone phone={current.phone} />
          </div>
        ) : current.page === 'console' ? (
          <ConsolePage />
        ) : (
          <DemoPage />
        )}
      </div>
    </I18nContext>
  );
}
