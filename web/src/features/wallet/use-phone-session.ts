/**
 * Everything one phone knows about its wallet: the device key from its own
 * IndexedDB, its own signed API client, the wallet view, and a live event
 * stream that re-fetches the wallet when money arrives. Each phone on the
 * demo page runs one of these, independently of the others.
 */
import type { EcnyClient, OpenWalletInput, WalletView } from '@ecny-sim/wallet-core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createApiClient, eventsUrl } from '../../lib/api';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { deviceIdentity, PhoneKeyStore, type StoredDevice } from '../../lib/key-store';
import { type StreamState, useEventSource } from '../../lib/use-event-source';
import {
  type DemoAssignment,
  type DemoWallet,
  demoDevice,
  fetchDemoWallets,
  pickDemoWallet,
} from './api/demo-wallets';
import { openWallet } from './api/open-wallet';
import { fetchWallet } from './api/wallet';

export type PhoneStatus = 'loading' | 'onboarding' | 'ready' | 'failed';

export interface PhoneNotice {
  id: number;
  kind: 'received';
  amount: number;
  from?: string;
}

export interface PhoneSession {
  phone: number;
  keyStore: PhoneKeyStore;
  status: PhoneStatus;
  device: StoredDevice | null;
  /** Signed client acting as this phone's device. */
  client: EcnyClient | null;
  wallet: WalletView | null;
  error: ErrorInfo | null;
  /** Bumped whenever this wallet's ledger changes (own action or live event); views re-fetch on it. */
  ledgerVersion: number;
  notice: PhoneNotice | null;
  stream: StreamState;
  refresh(): Promise<void>;
  /** Takes a server response's wallet view as current and tells views the ledger moved. */
  walletChanged(wallet?: WalletView): void;
  adopt(demo: DemoWallet): Promise<void>;
  create(input: OpenWalletInput): Promise<void>;
  forget(): Promise<void>;
  dismissNotice(): void;
}

/** Set when the user removed the default demo wallet, so a reload does not adopt it again. */
const NO_AUTO_DEMO = 'settings/no-auto-demo';

/** Errors that mean the stored device is not (or no longer) known to this server. */
const STALE_DEVICE_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'WALLET_NOT_FOUND', 'DEVICE_REVOKED']);

export function usePhoneSession(phone: number, assignment?: DemoAssignment): PhoneSession {
  const keyStore = useMemo(() => new PhoneKeyStore(phone), [phone]);
  const [status, setStatus] = useState<PhoneStatus>('loading');
  const [device, setDevice] = useState<StoredDevice | null>(null);
  const [wallet, setWallet] = useState<WalletView | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [ledgerVersion, setLedgerVersion] = useState(0);
  const [notice, setNotice] = useState<PhoneNotice | null>(null);
  const fetchSeq = useRef(0);
  const noticeSeq = useRef(0);

  const client = useMemo(() => (device ? createApiClient(deviceIdentity(device)) : null), [device]);

  /** Fetches the wallet; out-of-order answers are dropped so the newest balance wins. */
  const load = useCallback(async (target: StoredDevice, signed: EcnyClient) => {
    const seq = ++fetchSeq.current;
    const view = await fetchWallet(signed, target.walletId);
    if (seq === fetchSeq.current) setWallet(view);
  }, []);

  const connect = useCallback(
    async (target: StoredDevice, isLive: () => boolean = () => true) => {
      const signed = createApiClient(deviceIdentity(target));
      try {
        await load(target, signed);
        if (!isLive()) return;
        setDevice(target);
        setError(null);
        setStatus('ready');
      } catch (e) {
        if (!isLive()) return;
        setDevice(target);
        setError(describeError(e));
        setStatus('failed');
      }
    },
    [load],
  );

  useEffect(() => {
    let live = true;
    const isLive = () => live;
    (async () => {
      let stored = await keyStore.loadDevice();
      const autoDemo = assignment && !(await keyStore.kv.get<boolean>(NO_AUTO_DEMO));
      if (stored?.source === 'demo' || (!stored && autoDemo)) {
        const demos = await fetchDemoWallets().catch(() => []);
        // A demo wallet whose server world was re-seeded: adopt the new one of the same name.
        const renewed = stored && demos.find((d) => d.name === stored?.displayName);
        if (stored && renewed && renewed.walletId !== stored.walletId) {
          stored = demoDevice(renewed);
          await keyStore.saveDevice(stored);
        }
        const pick = !stored && assignment ? pickDemoWallet(demos, assignment) : undefined;
        if (pick) {
          stored = demoDevice(pick);
          await keyStore.saveDevice(stored);
        }
      }
      if (!live) return;
      if (!stored) {
        setStatus('onboarding');
        return;
      }
      await connect(stored, isLive);
    })().catch((e: unknown) => {
      if (!live) return;
      setError(describeError(e));
      setStatus('failed');
    });
    return () => {
      live = false;
    };
  }, [keyStore, assignment, connect]);

  const refresh = useCallback(async () => {
    if (!device || !client) return;
    try {
      await load(device, client);
      setError(null);
      if (status === 'failed') setStatus('ready');
    } catch (e) {
      setError(describeError(e));
    }
  }, [device, client, load, status]);

  const walletChanged = useCallback(
    (view?: WalletView) => {
      if (view) {
        fetchSeq.current++;
        setWallet(view);
      } else {
        void refresh();
      }
      setLedgerVersion((v) => v + 1);
    },
    [refresh],
  );

  const walletId = status === 'ready' ? device?.walletId : undefined;
  const stream = useEventSource(walletId ? eventsUrl(walletId) : null, {
    'payment.settled': (data) => {
      const event = data as { to?: string; from?: string; amount?: number };
      if (event.to === walletId && typeof event.amount === 'number') {
        setNotice({
          id: ++noticeSeq.current,
          kind: 'received',
          amount: event.amount,
          ...(event.from ? { from: event.from } : {}),
        });
      }
      walletChanged();
    },
    // Top ups from this phone already show their result; the event keeps other views current.
    'wallet.topup': () => walletChanged(),
  });

  const adopt = useCallback(
    async (demo: DemoWallet) => {
      const target = demoDevice(demo);
      await keyStore.saveDevice(target);
      await keyStore.kv.delete(NO_AUTO_DEMO);
      setStatus('loading');
      await connect(target);
    },
    [keyStore, connect],
  );

  const create = useCallback(
    async (input: OpenWalletInput) => {
      const opened = await openWallet(input);
      await keyStore.saveDevice(opened.device);
      fetchSeq.current++;
      setWallet(opened.wallet);
      setDevice(opened.device);
      setError(null);
      setStatus('ready');
    },
    [keyStore],
  );

  const dismissNotice = useCallback(() => setNotice(null), []);

  const forget = useCallback(async () => {
    await keyStore.forgetDevice();
    await keyStore.kv.set(NO_AUTO_DEMO, true);
    fetchSeq.current++;
    setDevice(null);
    setWallet(null);
    setError(null);
    setNotice(null);
    setStatus('onboarding');
  }, [keyStore]);

  return {
    phone,
    keyStore,
    status,
    device,
    client,
    wallet,
    error,
    ledgerVersion,
    notice,
    stream,
    refresh,
    walletChanged,
    adopt,
    create,
    forget,
    dismissNotice,
  };
}

export function isStaleDevice(error: ErrorInfo | null): boolean {
  return !!error && STALE_DEVICE_CODES.has(error.code);
}
