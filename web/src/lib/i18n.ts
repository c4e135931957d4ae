/**
 * English and Chinese UI text: a small dictionary, a context holding the
 * chosen language and a `useI18n` hook. Amounts and ids are never translated.
 */
import { createContext, useContext } from 'react';

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

const en = {
  'app.title': 'e-CNY wallet simulator',
  'app.subtitle': 'Three phones and the issuer, live',
  'app.language': '中文',
  'tab.home': 'Home',
  'tab.pay': 'Pay',
  'tab.history': 'History',
  'tab.settings': 'Settings',
  'phone.label': 'Phone {n}',
  'phone.loading': 'Starting wallet…',
  'home.balance': 'e-CNY balance',
  'home.bank': 'Linked bank account',
  'home.tier': 'Category {tier}',
  'home.copy': 'Copy',
  'home.copied': 'Copied',
  'topup.title': 'Top up from bank',
  'topup.amount': 'Amount (¥)',
  'topup.submit': 'Top up',
  'topup.done': 'Topped up {amount}',
  'pay.title': 'Pay online',
  'pay.to': 'Payee',
  'pay.choose': 'Choose a wallet…',
  'pay.paste': 'Paste a wallet id…',
  'pay.pasteLabel': 'Wallet id',
  'pay.amount': 'Amount (¥)',
  'pay.memo': 'Note (optional)',
  'pay.submit': 'Pay',
  'pay.sending': 'Paying…',
  'pay.available': 'Available {amount}',
  'pay.done': 'Paid {amount} to {name}',
  'pay.missingPayee': 'Choose who to pay',
  'history.title': 'History',
  'history.empty': 'No payments yet',
  'history.in': 'From {name}',
  'history.out': 'To {name}',
  'history.topup': 'Top up from bank',
  'history.redeem': 'Back to bank',
  'history.other': '{kind}',
  'receipt.verified': 'Receipt verified',
  'receipt.invalid': 'Receipt invalid',
  'settings.title': 'Settings',
  'settings.wallet': 'Wallet id',
  'settings.device': 'Device id',
  'settings.operator': 'Operator',
  'settings.tier': 'Wallet category',
  'settings.source.demo': 'Demo wallet (key from the server)',
  'settings.source.created': 'Created on this phone (key generated here)',
  'settings.storage': 'Key stored in IndexedDB “{db}”',
  'settings.forget': 'Remove wallet from this phone',
  'onboard.title': 'Set up e-CNY',
  'onboard.create': 'Open a new wallet',
  'onboard.name': 'Your name',
  'onboard.tier': 'Wallet category',
  'onboard.operator': 'Operator (bank)',
  'onboard.submit': 'Open wallet',
  'onboard.demo': 'Or use a demo wallet',
  'onboard.useDemo': 'Use',
  'onboard.noDemo': 'No demo wallets on this server',
  'notice.received': 'Received {amount}',
  'notice.toppedUp': 'Topped up {amount}',
  'issuer.title': 'Issuer console',
  'issuer.issued': 'Total issued',
  'issuer.online': 'Online (wallets)',
  'issuer.vaults': 'Operator vaults',
  'issuer.offline': 'Offline outstanding',
  'issuer.wallets': 'Wallets',
  'issuer.audit': 'Ledger audit',
  'issuer.auditOk': 'OK',
  'issuer.auditBroken': 'BROKEN',
  'issuer.activity': 'Live ledger activity',
  'issuer.auditScope': '{transfers} transfers · {accounts} accounts',
  'issuer.noActivity': 'Waiting for activity…',
  'issuer.kind.payment': 'Payment',
  'issuer.kind.issue': 'Issuance',
  'error.retry': 'Retry',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  'app.title': '数字人民币钱包模拟器',
  'app.subtitle': '三部手机与发行方，实时联动',
  'app.language': 'English',
  'tab.home': '首页',
  'tab.pay': '付款',
  'tab.history': '账单',
  'tab.settings': '设置',
  'phone.label': '手机 {n}',
  'phone.loading': '钱包启动中…',
  'home.balance': '数字人民币余额',
  'home.bank': '绑定银行账户',
  'home.tier': '{tier} 类钱包',
  'home.copy': '复制',
  'home.copied': '已复制',
  'topup.title': '从银行充值',
  'topup.amount': '金额（元）',
  'topup.submit': '充值',
  'topup.done': '已充值 {amount}',
  'pay.title': '在线付款',
  'pay.to': '收款方',
  'pay.choose': '选择钱包…',
  'pay.paste': '粘贴钱包编号…',
  'pay.pasteLabel': '钱包编号',
  'pay.amount': '金额（元）',
  'pay.memo': '备注（可选）',
  'pay.submit': '付款',
  'pay.sending': '付款中…',
  'pay.available': '可用 {amount}',
  'pay.done': '已向 {name} 付款 {amount}',
  'pay.missingPayee': '请选择收款方',
  'history.title': '账单',
  'history.empty': '暂无交易',
  'history.in': '来自 {name}',
  'history.out': '付给 {name}',
  'history.topup': '银行充值',
  'history.redeem': '兑回银行',
  'history.other': '{kind}',
  'receipt.verified': '回执已验证',
  'receipt.invalid': '回执无效',
  'settings.title': '设置',
  'settings.wallet': '钱包编号',
  'settings.device': '设备编号',
  'settings.operator': '运营机构',
  'settings.tier': '钱包类别',
  'settings.source.demo': '演示钱包（密钥来自服务器）',
  'settings.source.created': '本机开立（密钥在本机生成）',
  'settings.storage': '密钥保存在 IndexedDB “{db}”',
  'settings.forget': '从本机移除钱包',
  'onboard.title': '开通数字人民币',
  'onboard.create': '开立新钱包',
  'onboard.name': '姓名',
  'onboard.tier': '钱包类别',
  'onboard.operator': '运营机构（银行）',
  'onboard.submit': '开立钱包',
  'onboard.demo': '或使用演示钱包',
  'onboard.useDemo': '使用',
  'onboard.noDemo': '此服务器没有演示钱包',
  'notice.received': '收款 {amount}',
  'notice.toppedUp': '已充值 {amount}',
  'issuer.title': '发行方控制台',
  'issuer.issued': '累计发行',
  'issuer.online': '在线（钱包）',
  'issuer.vaults': '运营机构库存',
  'issuer.offline': '离线待结算',
  'issuer.wallets': '钱包数',
  'issuer.audit': '账本审计',
  'issuer.auditOk': 'OK',
  'issuer.auditBroken': '异常',
  'issuer.activity': '实时账本动态',
  'issuer.auditScope': '{transfers} 笔转账 · {accounts} 个账户',
  'issuer.noActivity': '等待交易…',
  'issuer.kind.payment': '支付',
  'issuer.kind.issue': '发行',
  'error.retry': '重试',
};

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, zh };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = DICTIONARIES[lang][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
}

export const I18nContext = createContext<I18n>({
  lang: 'en',
  setLang: () => {},
  t: (key, vars) => translate('en', key, vars),
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** Language from the previous visit, else the browser's. */
export function initialLang(): Lang {
  const saved = localStorage.getItem('ecny-lang');
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function rememberLang(lang: Lang): void {
  localStorage.setItem('ecny-lang', lang);
}
