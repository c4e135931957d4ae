/**
 * Names for the parties of a fraud case: a device or device key held by a
 * phone on this page reads as its wallet's name and the phone ("Wang Fang ·
 * Phone 2"), a wallet as its directory name; anything else as a short id.
 * The full id is always on hover (title) and in `data-id`.
 */
import { useCallback } from 'react';
import { shortId } from '../../../components/ShortId';
import { useI18n } from '../../../lib/i18n';
import { displayNameOf, useDirectory } from '../../wallet/api/directory';
import { usePhonesOnPage } from '../../wallet/phone-roster';

export interface PartyRef {
  deviceId?: string | null;
  walletId?: string | null;
  /** A device public key, as spends name their outputs' owners. */
  publicKey?: string | null;
}

/** The name of a party, or null when this page does not know it. */
export type NameParty = (ref: PartyRef) => string | null;

/** `version` re-reads the wallet directory (a new case may name a wallet opened since). */
export function usePartyNames(version: number): NameParty {
  const { t } = useI18n();
  const phones = usePhonesOnPage();
  const { wallets } = useDirectory(version);
  return useCallback(
    ({ deviceId, walletId, publicKey }: PartyRef) => {
      const phone = phones.find(
        (p) => (deviceId && p.deviceId === deviceId) || (publicKey && p.publicKey === publicKey),
      );
      if (phone) return `${phone.name} · ${t('phone.label', { n: phone.phone })}`;
      if (walletId) {
        const onPage = phones.find((p) => p.walletId === walletId);
        if (onPage) return onPage.name;
        const name = displayNameOf(wallets, walletId);
        if (name !== walletId) return name;
      }
      return null;
    },
    [phones, wallets, t],
  );
}

/** A party by name where known, else by a short id; the full id on hover. */
export function Party({ id, name, testId }: { id: string; name: string | null; testId?: string }) {
  return (
    <span className={name ? 'party' : 'party party-id'} title={id} data-id={id} data-testid={testId}>
      {name ?? <code>{shortId(id)}</code>}
    </span>
  );
}
