/**
 * What each stable error code means for the person holding the phone, in
 * English and Chinese. The server's own message (English, with fen and ids)
 * is for developers: ErrorNotice keeps it in a tooltip, never as the headline.
 * Figures come from an error's structured details only, never from its text.
 */
import { formatFen, LUCKY_MAX_SHARE, LUCKY_MAX_SHARES, LUCKY_MIN_SHARE } from '@ecny-sim/wallet-core';
import type { ErrorInfo } from './errors';

export const errorMessagesEn = {
  'err.unknown': 'That did not work.',
  'err.NETWORK': 'Could not reach the server. Check the connection and try again.',
  'err.AIRPLANE_MODE': 'Airplane mode is on: turn it off to use the network.',
  'err.INTERNAL': 'Something went wrong on the server; nothing was changed. Try again.',
  'err.RATE_LIMITED': 'Too many requests just now. Wait a moment and try again.',
  'err.STALE_REQUEST': 'This phone’s clock is too far from the server’s. Check the time and try again.',
  'err.REPLAYED_REQUEST': 'This request was already received.',
  'err.UNAUTHENTICATED': 'The server does not recognise this device.',
  'err.FORBIDDEN': 'This device may not do that for this wallet.',
  'err.DEVICE_REVOKED': 'This device was revoked by the issuer.',
  'err.CERT_REVOKED': 'The other phone’s device was revoked by the issuer: its coins are refused.',
  'err.CERT_EXPIRED': 'A device certificate has expired: go online and sync.',
  'err.WALLET_NOT_FOUND': 'There is no such wallet.',
  'err.NOT_FOUND': 'Not found.',
  'err.INVALID_BODY': 'Some of what you entered is not valid.',
  'err.INVALID_QUERY':
    'The server could not read what this page asked for; nothing was changed. Reload the page and try again.',
  'err.BODY_NOT_ALLOWED':
    'The server refused a read that carried data it does not take; nothing was changed. Reload the page and try again.',
  'err.INVALID_FIELD': 'Check the {field}.',
  'err.field.amount': 'amount',
  'err.field.total': 'amount',
  'err.field.memo': 'note',
  'err.field.name': 'name',
  'err.field.shares': 'number of shares',
  'err.field.to': 'payee',
  'err.field.displayName': 'name',
  'err.BAD_AMOUNT': 'Enter an amount in yuan with at most two decimals, such as 12.50.',
  'err.AMOUNT_ZERO': 'The amount must be more than ¥0.',
  'err.AMOUNT_TOO_LARGE': 'That amount is too large.',
  'err.INSUFFICIENT_FUNDS': 'Not enough money in the wallet for this.',
  'err.BANK_INSUFFICIENT_FUNDS': 'The linked bank account does not hold that much.',
  'err.LIMIT_PER_PAYMENT': 'This is more than the wallet’s Category allows in one payment.',
  'err.LIMIT_PER_DAY': 'This would go over the wallet’s Category limit for today.',
  'err.LIMIT_BALANCE_CAP': 'The wallet receiving this would go over its Category’s balance limit.',
  'err.SAME_WALLET': 'A wallet cannot pay itself.',
  'err.IDEMPOTENCY_CONFLICT': 'This request clashes with an earlier one. Try again.',
  'err.NOT_A_MERCHANT': 'This wallet is not a merchant.',
  'err.BILL_NOT_FOUND': 'This bill does not exist.',
  'err.BILL_ALREADY_PAID': 'This bill is already paid.',
  'err.BILL_EXPIRED': 'This code has expired: ask for a new one.',
  'err.QR_NOT_PAYABLE': 'This QR code is not an e-CNY payment code.',
  'err.QR_MISMATCH': 'This code does not match its bill: ask for a new one.',
  'err.QR_UNREADABLE': 'No readable payment code here.',
  'err.CAMERA_UNAVAILABLE': 'The camera is not available.',
  'err.PAYCODE_USED': 'This payment code was already used: ask for a fresh one.',
  'err.PAYCODE_EXPIRED': 'This payment code has expired: ask for a fresh one.',
  'err.PAYCODE_OVER_CAP': 'This amount is more than the payment code allows.',
  'err.PAYCODE_INVALID': 'This payment code is not valid.',
  'err.LUCKY_NOT_FOUND': 'This lucky money envelope does not exist.',
  'err.LUCKY_ALREADY_GRABBED': 'You already have a share of this envelope.',
  'err.LUCKY_EMPTY': 'Every share has been taken.',
  'err.LUCKY_EXPIRED': 'This envelope has expired.',
  'err.LUCKY_BAD_SHARES': 'Choose from 1 to {max} shares.',
  'err.LUCKY_BAD_AMOUNT': 'Enter the total amount to share.',
  'err.LUCKY_BAD_SPLIT': 'Each share must hold from {min} to {max}.',
  'err.LUCKY_SPLIT_OVER': 'A share holds at most {share}: {shares} shares take at most {max}.',
  'err.LUCKY_SPLIT_UNDER': 'Each share needs at least {share}: {shares} shares need at least {min}.',
  'err.OFFLINE_NOT_READY': 'The offline wallet is still starting.',
  'err.NOTHING_TO_DEPOSIT': 'There are no coins to deposit.',
  'err.LIMIT_OFFLINE_BALANCE': 'This would put more on the device than its offline limit.',
  'err.LIMIT_OFFLINE_PER_PAYMENT': 'This is more than the device may pay offline at once.',
  'err.LIMIT_OFFLINE_SINCE_SYNC':
    'The device must sync before it pays offline again: turn airplane mode off.',
  'err.LOAD_COINS': 'This amount cannot be loaded as coins; try another amount.',
  'err.SE_ALREADY_SPENT': 'These coins were already spent on this device.',
  'err.COIN_HOP_LIMIT': 'These coins changed hands too often offline: deposit them online first.',
  'err.COIN_EXPIRED': 'These coins have expired: deposit them online.',
  'err.COIN_RESTRICTED': 'Red-envelope coins cannot be paid to this payee.',
  'err.COINS_INVALID': 'The coins offered are not valid, so they were refused.',
  'err.DOUBLE_SPEND_DETECTED': 'These coins were already spent elsewhere, so they were refused.',
  'err.TOUCH_TIMEOUT': 'The other phone did not answer in time.',
  'err.TOUCH_CLOSED': 'The other phone left before the payment finished.',
  'err.TOUCH_FAILED': 'The touch payment did not go through.',
  'err.NOTHING_TO_REPLAY': 'This device has not paid anything yet.',
  'err.RECEIPT_INVALID': 'The issuer’s receipt does not verify.',
  'err.CAMPAIGN_NOT_FOUND': 'There is no such campaign.',
  'err.CAMPAIGN_NOT_DRAWN': 'The draw has not taken place yet.',
  'err.CAMPAIGN_NOT_CLAIMED': 'Open the red envelope first.',
  'err.NO_PAYEE': 'Choose who to pay.',
  'err.details': 'Details for developers',
} as const;

export type ErrorMessageKey = keyof typeof errorMessagesEn;

export const errorMessagesZh: Record<ErrorMessageKey, string> = {
  'err.unknown': '操作未成功。',
  'err.NETWORK': '无法连接服务器，请检查网络后重试。',
  'err.AIRPLANE_MODE': '飞行模式已开启：请关闭后再联网操作。',
  'err.INTERNAL': '服务器出错，未做任何更改，请重试。',
  'err.RATE_LIMITED': '请求过于频繁，请稍后再试。',
  'err.STALE_REQUEST': '本机时间与服务器相差太大，请校准时间后重试。',
  'err.REPLAYED_REQUEST': '该请求已收到过。',
  'err.UNAUTHENTICATED': '服务器无法识别本设备。',
  'err.FORBIDDEN': '本设备无权为此钱包进行该操作。',
  'err.DEVICE_REVOKED': '本设备已被发行方吊销。',
  'err.CERT_REVOKED': '对方设备已被发行方吊销，其硬币被拒收。',
  'err.CERT_EXPIRED': '设备证书已过期，请联网同步。',
  'err.WALLET_NOT_FOUND': '没有这个钱包。',
  'err.NOT_FOUND': '未找到。',
  'err.INVALID_BODY': '输入的内容有误。',
  'err.INVALID_QUERY': '服务器无法识别本页面的查询参数，未做任何更改。请刷新页面后重试。',
  'err.BODY_NOT_ALLOWED': '服务器拒绝了一个附带多余数据的查询请求，未做任何更改。请刷新页面后重试。',
  'err.INVALID_FIELD': '请检查{field}。',
  'err.field.amount': '金额',
  'err.field.total': '金额',
  'err.field.memo': '备注',
  'err.field.name': '名称',
  'err.field.shares': '红包个数',
  'err.field.to': '收款方',
  'err.field.displayName': '姓名',
  'err.BAD_AMOUNT': '请输入以元为单位、最多两位小数的金额，例如 12.50。',
  'err.AMOUNT_ZERO': '金额必须大于 ¥0。',
  'err.AMOUNT_TOO_LARGE': '金额过大。',
  'err.INSUFFICIENT_FUNDS': '钱包余额不足。',
  'err.BANK_INSUFFICIENT_FUNDS': '绑定的银行账户余额不足。',
  'err.LIMIT_PER_PAYMENT': '超过该钱包类别的单笔支付限额。',
  'err.LIMIT_PER_DAY': '将超过该钱包类别的当日支付限额。',
  'err.LIMIT_BALANCE_CAP': '收款钱包的余额将超过其类别上限。',
  'err.SAME_WALLET': '钱包不能向自己付款。',
  'err.IDEMPOTENCY_CONFLICT': '该请求与之前的请求冲突，请重试。',
  'err.NOT_A_MERCHANT': '此钱包不是商户。',
  'err.BILL_NOT_FOUND': '该账单不存在。',
  'err.BILL_ALREADY_PAID': '该账单已支付。',
  'err.BILL_EXPIRED': '收款码已过期，请重新生成。',
  'err.QR_NOT_PAYABLE': '这不是数字人民币收款码。',
  'err.QR_MISMATCH': '收款码与账单不符，请重新生成。',
  'err.QR_UNREADABLE': '这里没有可识别的付款码。',
  'err.CAMERA_UNAVAILABLE': '摄像头不可用。',
  'err.PAYCODE_USED': '该付款码已使用，请刷新付款码。',
  'err.PAYCODE_EXPIRED': '该付款码已过期，请刷新付款码。',
  'err.PAYCODE_OVER_CAP': '金额超过该付款码的上限。',
  'err.PAYCODE_INVALID': '付款码无效。',
  'err.LUCKY_NOT_FOUND': '该拼手气红包不存在。',
  'err.LUCKY_ALREADY_GRABBED': '你已经抢过这个红包了。',
  'err.LUCKY_EMPTY': '红包已被抢完。',
  'err.LUCKY_EXPIRED': '该红包已过期。',
  'err.LUCKY_BAD_SHARES': '红包个数须为 1 到 {max}。',
  'err.LUCKY_BAD_AMOUNT': '请输入红包总金额。',
  'err.LUCKY_BAD_SPLIT': '每个红包金额须在 {min} 到 {max} 之间。',
  'err.LUCKY_SPLIT_OVER': '单个红包最多 {share}：{shares} 个红包合计最多 {max}。',
  'err.LUCKY_SPLIT_UNDER': '单个红包至少 {share}：{shares} 个红包合计至少 {min}。',
  'err.OFFLINE_NOT_READY': '离线钱包仍在启动中。',
  'err.NOTHING_TO_DEPOSIT': '没有可转回的硬币。',
  'err.LIMIT_OFFLINE_BALANCE': '将超过本设备的离线余额上限。',
  'err.LIMIT_OFFLINE_PER_PAYMENT': '超过本设备离线单笔支付上限。',
  'err.LIMIT_OFFLINE_SINCE_SYNC': '本设备需先同步才能继续离线支付：请关闭飞行模式。',
  'err.LOAD_COINS': '该金额无法存为硬币，请换一个金额。',
  'err.SE_ALREADY_SPENT': '这些硬币已在本设备上花出。',
  'err.COIN_HOP_LIMIT': '这些硬币离线流转次数过多：请先联网转回。',
  'err.COIN_EXPIRED': '这些硬币已过期：请联网转回。',
  'err.COIN_RESTRICTED': '红包硬币不能付给该收款方。',
  'err.COINS_INVALID': '对方的硬币无效，已拒收。',
  'err.DOUBLE_SPEND_DETECTED': '这些硬币已在别处花出，已拒收。',
  'err.TOUCH_TIMEOUT': '对方手机未及时响应。',
  'err.TOUCH_CLOSED': '对方手机在支付完成前离开了。',
  'err.TOUCH_FAILED': '碰一碰支付未完成。',
  'err.NOTHING_TO_REPLAY': '本设备还没有付过款。',
  'err.RECEIPT_INVALID': '发行方回执校验失败。',
  'err.CAMPAIGN_NOT_FOUND': '没有这个活动。',
  'err.CAMPAIGN_NOT_DRAWN': '尚未摇号。',
  'err.CAMPAIGN_NOT_CLAIMED': '请先拆红包。',
  'err.NO_PAYEE': '请选择收款方。',
  'err.details': '开发者详情',
};

/** Codes that share one explanation. */
const SAME_AS: Record<string, ErrorMessageKey> = {
  BAD_SIGNATURE: 'err.UNAUTHENTICATED',
  DEVICE_NOT_FOUND: 'err.UNAUTHENTICATED',
  PAY_SELF: 'err.SAME_WALLET',
  QR_PAYEE_MISMATCH: 'err.QR_MISMATCH',
  QR_AMOUNT_MISMATCH: 'err.QR_MISMATCH',
  QR_BAD_FORMAT: 'err.QR_UNREADABLE',
  QR_BAD_LENGTH: 'err.QR_UNREADABLE',
  QR_MISSING_FIELD: 'err.QR_UNREADABLE',
  QR_NOT_FOUND: 'err.QR_UNREADABLE',
  SCREEN_NO_QR: 'err.QR_UNREADABLE',
  IMAGE_UNREADABLE: 'err.QR_UNREADABLE',
  SCAN_UNSUPPORTED: 'err.CAMERA_UNAVAILABLE',
  PAYCODE_BAD_SIGNATURE: 'err.PAYCODE_INVALID',
  PAYCODE_BAD_FORMAT: 'err.PAYCODE_INVALID',
  CERT_NOT_YET_VALID: 'err.CERT_EXPIRED',
  LIMIT_OFFLINE_PAYMENTS_SINCE_SYNC: 'err.LIMIT_OFFLINE_SINCE_SYNC',
  LIMIT_OFFLINE_TIME_SINCE_SYNC: 'err.LIMIT_OFFLINE_SINCE_SYNC',
  LOAD_BAD_DENOMINATIONS: 'err.LOAD_COINS',
  LOAD_TOO_MANY_COINS: 'err.LOAD_COINS',
  BUNDLE_MALFORMED: 'err.COINS_INVALID',
  BUNDLE_WRONG_PAYEE: 'err.COINS_INVALID',
  BUNDLE_WRONG_AMOUNT: 'err.COINS_INVALID',
  BUNDLE_WRONG_REQUEST: 'err.COINS_INVALID',
  BUNDLE_DUPLICATE_INPUT: 'err.COINS_INVALID',
  SPEND_MALFORMED: 'err.COINS_INVALID',
  ISSUE_BAD_SIGNATURE: 'err.COINS_INVALID',
  CERT_UNKNOWN_OPERATOR: 'err.COINS_INVALID',
  ACK_INVALID: 'err.COINS_INVALID',
  TOUCH_UNAVAILABLE: 'err.TOUCH_FAILED',
  TOUCH_UNEXPECTED: 'err.TOUCH_FAILED',
  REQUEST_EXPIRED: 'err.TOUCH_TIMEOUT',
  REQUEST_INVALID: 'err.TOUCH_FAILED',
  METHOD_NOT_ALLOWED: 'err.NOT_FOUND',
  BAD_REQUEST: 'err.INVALID_BODY',
  MALFORMED_JSON: 'err.INVALID_BODY',
  VALIDATION: 'err.INVALID_BODY',
};

type Translate = (key: ErrorMessageKey, vars?: Record<string, string | number>) => string;

function isKey(key: string): key is ErrorMessageKey {
  return key in errorMessagesEn;
}

function numberIn(details: unknown, name: string): number | undefined {
  if (!details || typeof details !== 'object') return undefined;
  const value = (details as Record<string, unknown>)[name];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** The first field an INVALID_BODY answer names (its `issues[].path`), when the app has a word for it. */
function invalidField(details: unknown): ErrorMessageKey | null {
  if (!Array.isArray(details)) return null;
  for (const issue of details) {
    const path = typeof issue?.path === 'string' ? issue.path.split('.')[0] : '';
    const key = `err.field.${path}`;
    if (isKey(key)) return key;
  }
  return null;
}

/** The sentence to show for `error`, in the UI's language. */
export function errorText(t: Translate, error: ErrorInfo): string {
  const { code, details } = error;
  if (code === 'INVALID_BODY' || SAME_AS[code] === 'err.INVALID_BODY') {
    const field = invalidField(details);
    return field ? t('err.INVALID_FIELD', { field: t(field) }) : t('err.INVALID_BODY');
  }
  if (code === 'LUCKY_BAD_SPLIT') {
    const shares = numberIn(details, 'shares');
    const max = numberIn(details, 'max');
    const min = numberIn(details, 'min');
    if (shares !== undefined && max !== undefined) {
      return t('err.LUCKY_SPLIT_OVER', { share: formatFen(LUCKY_MAX_SHARE), shares, max: formatFen(max) });
    }
    if (shares !== undefined && min !== undefined) {
      return t('err.LUCKY_SPLIT_UNDER', { share: formatFen(LUCKY_MIN_SHARE), shares, min: formatFen(min) });
    }
    return t('err.LUCKY_BAD_SPLIT', { min: formatFen(LUCKY_MIN_SHARE), max: formatFen(LUCKY_MAX_SHARE) });
  }
  if (code === 'LUCKY_BAD_SHARES') return t('err.LUCKY_BAD_SHARES', { max: LUCKY_MAX_SHARES });
  const own = `err.${code}`;
  if (isKey(own)) return t(own);
  const shared = SAME_AS[code];
  if (shared) return t(shared);
  return t('err.unknown');
}
