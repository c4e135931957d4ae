/**
 * The columns of a wallet and of a device row, in the order both stores
 * insert them (wallets: wallet_id, operator_id, display_name, tier, phone,
 * region, resident, merchant, created_at; devices: device_id, wallet_id,
 * public_key, cert, revoked_at, revoked_reason, created_at).
 */
import type { DeviceRow, WalletRow } from './store';

export function walletColumns(w: WalletRow) {
  return [
    w.walletId,
    w.operatorId,
    w.displayName,
    w.tier,
    w.phone,
    w.region,
    w.resident ? 1 : 0,
    w.merchant ? JSON.stringify(w.merchant) : null,
    w.createdAt,
  ] as const;
}

export function deviceColumns(d: DeviceRow) {
  return [
    d.deviceId,
    d.walletId,
    d.publicKey,
    JSON.stringify(d.cert),
    d.revokedAt,
    d.revokedReason,
    d.createdAt,
  ] as const;
}
