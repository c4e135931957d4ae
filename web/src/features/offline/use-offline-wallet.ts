/**
 * One phone's offline wallet: coins, outbox and secure element in the
 * phone's own IndexedDB (namespace `offline/<deviceId>/` of `ecny-phone-<n>`),
 * restored at start (an interrupted payment is completed by recover()).
 * Load, sync and deposit go through the phone's signed client, so airplane
 * mode stops them; paying and receiving by touch need no network.
 */
import {
  type DeviceCert,
  DeviceCertSchema,
  EcnyError,
  encodeKey,
  NobleSigner,
  type OfflineBalances,
  sortableId,
  spendHash,
  type TrustAnchors,
  WalletStore,
} from '@ecny-sim/wallet-core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeError, type ErrorInfo, isRefusedUnread } from '../../lib/errors';
import type { StoredDevice } from '../../lib/key-store';
import { PrefixedKeyValue } from '../../lib/prefixed-key-value';
import type { IssuerInfo } from '../wallet/api/info';
import type { PhoneSession } from '../wallet/use-phone-session';
import type { DepositBody, DepositResult, FraudCaseSummary, SyncVerdict } from './api-types';
import { PersistentSecureElement, type SecureElementRecord } from './persistent-se';
import { WebOfflineWallet } from './web-offline-wallet';

export type OfflineStatus = 'starting' | 'ready' | 'needs-network' | 'failed';

/**
 * This device's part in a fraud case: the culprit (it signed both spends), a holder of the
 * winning branch (its payment stands), of the losing branch (compensated at deposit), or
 * involved without the phone knowing which branch (it reported the case, or no longer holds the coins).
 */
export type FraudRole = 'culprit' | 'winning' | 'losing' | 'involved';

export interface SyncReport {
  at: number;
  /** Items uploaded. */
  uploaded: number;
  verdicts: SyncVerdict[];
  fraudCases: FraudCaseSummary[];
  /** caseId → this device's part in it. */
  fraudRoles: Record<string, FraudRole>;
  error: ErrorInfo | null;
}

/**
 * Which side of each case this device is on, from the sync answer and the coins it holds or held:
 * a received item the server called a double spend of the case, or a coin whose provenance
 * passes through the losing spend, is the losing branch; one through the first spend, the winning.
 */
export async function fraudRoles(
  w: WebOfflineWallet,
  deviceId: string,
  cases: readonly FraudCaseSummary[],
  verdicts: readonly SyncVerdict[],
): Promise<Record<string, FraudRole>> {
  const roles: Record<string, FraudRole> = {};
  if (cases.length === 0) return roles;
  const hashes = new Set<string>();
  for (const c of await w.store.listCoins())
    for (const link of c.coin.links) hashes.add(spendHash(link.spend));
  const flagged = new Set(verdicts.flatMap((v) => (v.status === 'double_spend' ? v.caseIds : [])));
  for (const c of cases) {
    if (c.culprit.deviceId === deviceId) roles[c.caseId] = 'culprit';
    else if (flagged.has(c.caseId) || hashes.has(c.secondHash)) roles[c.caseId] = 'losing';
    else if (hashes.has(c.firstHash)) roles[c.caseId] = 'winning';
    else roles[c.caseId] = 'involved';
  }
  return roles;
}

export interface OfflineState {
  status: OfflineStatus;
  error: ErrorInfo | null;
  wallet: WebOfflineWallet | null;
  balances: OfflineBalances | null;
  outboxCount: number;
  /** Paid offline (by this device) and not yet recorded by the server: sent items still in the outbox. */
  paidUnsynced: number;
  tampered: boolean;
  revoked: boolean;
  syncing: boolean;
  lastSync: SyncReport | null;
  /** Where the coins live, for Settings. */
  storage: string | null;
  /** Re-reads balances and outbox from storage. */
  refresh(): Promise<void>;
  load(amount: number): Promise<void>;
  sync(): Promise<SyncReport | null>;
  deposit(): Promise<DepositResult[]>;
  setTampered(on: boolean): void;
}

const SE_KEY = 'se';
const PENDING_LOAD = 'meta/pendingLoad';
const DEPOSIT_PREFIX = 'meta/deposit:';
/** Errors after which a load or deposit may have reached the server: keep it to resend. */
const MAYBE_SENT = new Set(['NETWORK', 'AIRPLANE_MODE', 'BAD_RESPONSE', 'INTERNAL', 'ERROR']);

export function trustAnchors(issuer: IssuerInfo): TrustAnchors {
  return {
    issuerPublicKey: issuer.issuerPublicKey,
    operatorCerts: Object.fromEntries(issuer.info.operators.map((o) => [o.operatorId, o.cert])),
  };
}

/** The device certificate saved at registration, if it is one for this key. */
function savedCert(device: StoredDevice, publicKey: string): DeviceCert | null {
  const parsed = DeviceCertSchema.safeParse(device.deviceCert);
  if (!parsed.success) return null;
  const cert = parsed.data as DeviceCert;
  return cert.publicKey === publicKey && cert.deviceId === device.deviceId ? cert : null;
}

export function useOfflineWallet(session: PhoneSession, issuer: IssuerInfo | null): OfflineState {
  const { device, client, keyStore, airplane } = session;
  const ready = session.status === 'ready';
  const [status, setStatus] = useState<OfflineStatus>('starting');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [wallet, setWallet] = useState<WebOfflineWallet | null>(null);
  const [balances, setBalances] = useState<OfflineBalances | null>(null);
  const [outboxCount, setOutboxCount] = useState(0);
  const [paidUnsynced, setPaidUnsynced] = useState(0);
  const [tampered, setTamperedState] = useState(false);
  const [revoked, setRevoked] = useState(false);
  const [syncing, setSyncing] = useState(false);
  const [lastSync, setLastSync] = useState<SyncReport | null>(null);
  const [attempt, setAttempt] = useState(0);
  const walletRef = useRef<WebOfflineWallet | null>(null);
  walletRef.current = wallet;

  const kv = useMemo(
    () => (device ? new PrefixedKeyValue(keyStore.kv, `offline/${device.deviceId}/`) : null),
    [keyStore, device],
  );

  const readState = useCallback(async (w: WebOfflineWallet) => {
    const [b, outbox, isRevoked] = await Promise.all([w.balances(), w.outbox(), w.isRevoked()]);
    if (walletRef.current !== w && walletRef.current !== null) return;
    setBalances(b);
    setOutboxCount(outbox.length);
    setPaidUnsynced(
      outbox.reduce((s, i) => (i.kind === 'payment-sent' && !i.reject ? s + i.request.amount : s), 0),
    );
    setRevoked(isRevoked);
    setTamperedState(w.se.tampered);
  }, []);

  // Start (or restore) the offline wallet of the phone's current device.
  const deviceId = device?.deviceId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: restarts only for a new device, issuer or retry
  useEffect(() => {
    if (!ready || !device || !kv || !issuer) return;
    let live = true;
    setStatus('starting');
    (async () => {
      const signer = new NobleSigner(device.secretKey);
      const save = (record: SecureElementRecord) => {
        kv.set(SE_KEY, record).catch((e: unknown) => live && setError(describeError(e)));
      };
      const record = await kv.get<SecureElementRecord>(SE_KEY);
      let se: PersistentSecureElement;
      if (record) {
        se = new PersistentSecureElement({
          signer,
          cert: record.cert,
          state: record.state,
          tampered: record.tampered,
          now: Date.now(),
          save,
        });
      } else {
        // First start: the certificate from registration, else the one the server returns at sync.
        let cert = savedCert(device, encodeKey(signer.publicKey));
        if (!cert) {
          if (!client || airplane) {
            if (live) setStatus('needs-network');
            return;
          }
          cert = (await client.sync(device.deviceId, [])).cert;
        }
        se = new PersistentSecureElement({ signer, cert, now: Date.now(), save });
        se.persist();
      }
      const w = new WebOfflineWallet({ se, store: new WalletStore(kv), trust: trustAnchors(issuer) });
      await w.recover();
      if (!live) return;
      walletRef.current = w;
      setWallet(w);
      setError(null);
      await readState(w);
      if (live) setStatus('ready');
    })().catch((e: unknown) => {
      if (!live) return;
      setError(describeError(e));
      setStatus('failed');
    });
    return () => {
      live = false;
      walletRef.current = null;
      setWallet(null);
    };
  }, [ready, deviceId, kv, issuer, attempt]);

  // A revocation the wallet learned (at sync, or stored before a reload) is the phone's too.
  const { deviceRevoked } = session;
  useEffect(() => {
    if (revoked) deviceRevoked();
  }, [revoked, deviceRevoked]);

  const refresh = useCallback(async () => {
    const w = walletRef.current;
    if (w) await readState(w);
  }, [readState]);

  /** Resends what may not have reached the server: an interrupted load, unanswered deposits. */
  const resendPending = useCallback(async () => {
    const w = walletRef.current;
    if (!w || !kv || !client || !device) return;
    const pendingLoad = await kv.get<{ requestId: string; amount: number }>(PENDING_LOAD);
    if (pendingLoad) {
      const r = await client.loadToDevice(device.walletId, pendingLoad.amount, {
        requestId: pendingLoad.requestId,
      });
      await w.load(r.coins);
      await kv.delete(PENDING_LOAD);
    }
    for (const [key, body] of await kv.entries<DepositBody>(DEPOSIT_PREFIX)) {
      // A kept body is one whose earlier sending may have been taken: whatever this answer, its
      // coins stay spent (giving them back could let them be paid twice).
      await client.deposit(device.deviceId, body);
      await kv.delete(key);
    }
  }, [kv, client, device]);

  const sync = useCallback(async (): Promise<SyncReport | null> => {
    const w = walletRef.current;
    if (!w || !client || !device) return null;
    setSyncing(true);
    let report: SyncReport;
    let uploaded = 0;
    try {
      await resendPending();
      const items = await w.outbox();
      uploaded = items.length;
      const response = await client.sync(device.deviceId, items);
      await w.applySync(response);
      if (response.revokedDevices.includes(device.deviceId)) {
        await w.markRevoked();
        session.deviceRevoked();
      }
      report = {
        at: response.time,
        uploaded,
        verdicts: response.verdicts,
        fraudCases: response.fraudCases,
        fraudRoles: await fraudRoles(w, device.deviceId, response.fraudCases, response.verdicts),
        error: null,
      };
    } catch (e) {
      const info = describeError(e);
      if (info.code === 'DEVICE_REVOKED') await w.markRevoked();
      report = { at: Date.now(), uploaded, verdicts: [], fraudCases: [], fraudRoles: {}, error: info };
    } finally {
      setSyncing(false);
    }
    if (walletRef.current === w) {
      setLastSync(report);
      await readState(w);
    }
    if (!report.error) session.walletChanged();
    return report;
  }, [client, device, resendPending, readState, session]);

  // Reconnecting (airplane mode off) syncs at once; so does starting online with something to upload.
  const wasOffline = useRef<boolean | null>(null);
  useEffect(() => {
    if (status === 'needs-network' && !airplane) setAttempt((n) => n + 1);
    if (status !== 'ready') return;
    const before = wasOffline.current;
    wasOffline.current = airplane;
    if (airplane) return;
    if (before === true) {
      void sync();
    } else if (before === null && kv) {
      void (async () => {
        const w = walletRef.current;
        const pending =
          (w && (await w.outbox()).length > 0) ||
          (await kv.get(PENDING_LOAD)) !== undefined ||
          (await kv.entries(DEPOSIT_PREFIX)).length > 0;
        if (pending) await sync();
      })();
    }
  }, [airplane, status, sync, kv]);

  const load = useCallback(
    async (amount: number) => {
      const w = walletRef.current;
      if (!w || !client || !device || !kv)
        throw new EcnyError('OFFLINE_NOT_READY', 'offline wallet not ready');
      const requestId = sortableId('ld');
      // Kept until the coins are stored: a load interrupted after the server took it is resent (same requestId).
      await kv.set(PENDING_LOAD, { requestId, amount });
      try {
        const r = await client.loadToDevice(device.walletId, amount, { requestId });
        await w.load(r.coins);
        await kv.delete(PENDING_LOAD);
        session.walletChanged(r.wallet);
      } catch (e) {
        if (!MAYBE_SENT.has(describeError(e).code)) await kv.delete(PENDING_LOAD);
        throw e;
      } finally {
        await readState(w);
      }
    },
    [client, device, kv, session, readState],
  );

  const deposit = useCallback(async (): Promise<DepositResult[]> => {
    const w = walletRef.current;
    if (!w || !client || !issuer || !kv) throw new EcnyError('OFFLINE_NOT_READY', 'offline wallet not ready');
    const requestId = sortableId('dp');
    const balanceBefore = w.se.state().balance;
    try {
      const r = await client.depositFromWallet(w, {
        issuerPublicKey: issuer.info.issuerPublicKey,
        requestId,
      });
      await kv.delete(`${DEPOSIT_PREFIX}${r.body.requestId}`);
      session.walletChanged(r.wallet);
      return r.results;
    } catch (e) {
      // The coins were marked spent before this first sending; a refusal that took nothing and
      // said nothing of the coins puts them back.
      const body = await kv.get<DepositBody>(`${DEPOSIT_PREFIX}${requestId}`);
      if (body && isRefusedUnread(e)) await w.releaseRefusedDeposit(body, balanceBefore);
      throw e;
    } finally {
      await readState(w);
    }
  }, [client, issuer, kv, session, readState]);

  const setTampered = useCallback((on: boolean) => {
    const w = walletRef.current;
    if (!w) return;
    (w.se as PersistentSecureElement).setTampered(on, Date.now());
    setTamperedState(w.se.tampered);
  }, []);

  return {
    status,
    error,
    wallet,
    balances,
    outboxCount,
    paidUnsynced,
    tampered,
    revoked,
    syncing,
    lastSync,
    storage: kv ? `${keyStore.kv.dbName} · ${kv.prefix}` : null,
    refresh,
    load,
    sync,
    deposit,
    setTampered,
  };
}
