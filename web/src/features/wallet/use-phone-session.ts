/**
 * Everything one phone knows about its wallet: the device key from its own
 * IndexedDB, its own signed API client, the wallet view, and a live event
 * stream that re-fetches the wallet when money arrives. Each phone on the
 * demo page runs one of these, independently of the others.
 */
import {
  type DeviceRevokedDetails,
  DeviceRevokedDetailsSchema,
  type EcnyClient,
  type OpenWalletInput,
  type WalletView,
} from '@ecny-sim/wallet-core';
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

/** The server refused this phone's device as revoked (a revocation is final). */
export interface DeviceRevocation {
  /** The server's own words, for developers. */
  message: string;
  at: number;
  /**
   * When the issuer revoked the device and why, as the server tells the device itself (a
   * DEVICE_REVOKED answer to one of its own calls); null until such an answer is heard.
   */
  details: DeviceRevokedDetails | null;
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
  /**
   * Set once any call answered DEVICE_REVOKED (or a sync listed this device as revoked): the phone
   * then stops calling the server with this device and shows the revoked state.
   */
  revoked: DeviceRevocation | null;
  /** Records that the server revoked this device (with when and why, once the server said). */
  deviceRevoked(message?: string, details?: DeviceRevokedDetails): void;
  /** Bumped whenever this wallet's ledger changes (own action or live event); views re-fetch on it. */
  ledgerVersion: number;
  notice: PhoneNotice | null;
  stream: StreamState;
  /** Airplane mode: the client refuses network calls and the event stream is closed (persisted per phone). */
  airplane: boolean;
  setAirplane(on: boolean): Promise<void>;
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
/** Airplane mode survives a reload, like on a real phone. */
const AIRPLANE = 'settings/airplane';
/** The last wallet view fetched, shown when the phone starts in airplane mode. */
const CACHED_WALLET = 'cache/wallet';

/** Errors that mean the stored device is not (or no longer) known to this server. */
const STALE_DEVICE_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'WALLET_NOT_FOUND', 'DEVICE_REVOKED']);
const REVOKED_CODE = 'DEVICE_REVOKED';

/** Pause before asking for a new stream ticket after a refusal or a closed stream. */
const TICKET_RETRY_MS = 3_000;

/**
 * A ticket for the wallet's own event stream, asked for with the device's signed client (an
 * EventSource cannot sign); `renew` asks for another.
 */
function useStreamTicket(
  walletId: string | undefined,
  client: EcnyClient | null,
): { walletId: string; ticket: string; renew: () => void } | null {
  const [ticket, setTicket] = useState<{ walletId: string; ticket: string } | null>(null);
  const [round, setRound] = useState(0);
  const renew = useCallback(() => setRound((r) => r + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new round asks again for the same wallet
  useEffect(() => {
    setTicket(null);
    if (!walletId || !client) return;
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    client.eventsTicket(walletId).then(
      (t) => {
        if (live) setTicket({ walletId, ticket: t.ticket });
      },
      () => {
        if (live) retry = setTimeout(renew, TICKET_RETRY_MS);
      },
    );
    return () => {
      live = false;
      clearTimeout(retry);
    };
  }, [walletId, client, round, renew]);
  return ticket && ticket.walletId === walletId ? { ...ticket, renew } : null;
}

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
  const [airplane, setAirplaneState] = useState(false);
  const airplaneRef = useRef(false);
  const isOffline = useCallback(() => airplaneRef.current, []);
  const [revoked, setRevoked] = useState<DeviceRevocation | null>(null);
  const revokedRef = useRef<DeviceRevocation | null>(null);
  const isRevoked = useCallback(() => revokedRef.current !== null, []);
  const deviceRevoked = useCallback((message = '', details?: DeviceRevokedDetails) => {
    const known = revokedRef.current;
    if (known) {
      // Already revoked (a sync listing this device says no more): take when and why once heard.
      if (known.details || !details) return;
      revokedRef.current = { ...known, message: message || known.message, details };
    } else {
      revokedRef.current = { message, at: Date.now(), details: details ?? null };
    }
    setRevoked(revokedRef.current);
  }, []);
  const clientOptions = useMemo(
    () => ({ offline: isOffline, revoked: isRevoked, onDeviceRevoked: deviceRevoked }),
    [isOffline, isRevoked, deviceRevoked],
  );

  const client = useMemo(
    () => (device ? createApiClient(deviceIdentity(device), clientOptions) : null),
    [device, clientOptions],
  );

  // A revocation learned without when and why (from a sync listing this device, or from the
  // offline wallet remembering it before the server was asked): one signed call asks, since the
  // server's DEVICE_REVOKED answer to the device's own call says both. Once per device.
  const askedWhy = useRef<string | null>(null);
  useEffect(() => {
    if (!revoked || revoked.details || !device || airplane || status !== 'ready') return;
    if (askedWhy.current === device.deviceId) return;
    askedWhy.current = device.deviceId;
    const ask = createApiClient(deviceIdentity(device), {
      offline: isOffline,
      onDeviceRevoked: deviceRevoked,
    });
    fetchWallet(ask, device.walletId).catch(() => {});
  }, [revoked, device, airplane, status, isOffline, deviceRevoked]);

  /** Fetches the wallet; out-of-order answers are dropped so the newest balance wins. */
  const load = useCallback(
    async (target: StoredDevice, signed: EcnyClient) => {
      const seq = ++fetchSeq.current;
      const view = await fetchWallet(signed, target.walletId);
      if (seq === fetchSeq.current) setWallet(view);
      void keyStore.kv.set(CACHED_WALLET, view).catch(() => {});
    },
    [keyStore],
  );

  const connect = useCallback(
    async (target: StoredDevice, isLive: () => boolean = () => true) => {
      const signed = createApiClient(deviceIdentity(target), clientOptions);
      try {
        await load(target, signed);
        if (!isLive()) return;
        setDevice(target);
        setError(null);
        setStatus('ready');
      } catch (e) {
        if (!isLive()) return;
        setDevice(target);
        const info = describeError(e);
        if (info.code === REVOKED_CODE) {
          // The device still holds its offline coins and settings: the phone shows the revoked
          // state over them, with the last wallet view known, rather than a bare error.
          const cached = await keyStore.kv.get<WalletView>(CACHED_WALLET).catch(() => undefined);
          if (!isLive()) return;
          if (cached?.walletId === target.walletId) setWallet(cached);
          const details = DeviceRevokedDetailsSchema.safeParse(info.details);
          deviceRevoked(info.message, details.success ? details.data : undefined);
          setError(null);
          setStatus('ready');
          return;
        }
        setError(info);
        setStatus('failed');
      }
    },
    [load, clientOptions, keyStore, deviceRevoked],
  );

  useEffect(() => {
    let live = true;
    const isLive = () => live;
    (async () => {
      let stored = await keyStore.loadDevice();
      const startOffline = (await keyStore.kv.get<boolean>(AIRPLANE)) === true;
      airplaneRef.current = startOffline;
      setAirplaneState(startOffline);
      if (startOffline && stored) {
        // No network: show the last wallet view known; the offline wallet works from local storage.
        const cached = await keyStore.kv.get<WalletView>(CACHED_WALLET);
        if (!live) return;
        if (cached?.walletId === stored.walletId) setWallet(cached);
        setDevice(stored);
        setStatus('ready');
        return;
      }
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
    if (!device || !client || airplaneRef.current || revokedRef.current) return;
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
        void keyStore.kv.set(CACHED_WALLET, view).catch(() => {});
      } else {
        void refresh();
      }
      setLedgerVersion((v) => v + 1);
    },
    [refresh, keyStore],
  );

  const setAirplane = useCallback(
    async (on: boolean) => {
      airplaneRef.current = on;
      setAirplaneState(on);
      await keyStore.kv.set(AIRPLANE, on);
      if (on) return;
      if (status === 'ready' && device && client) {
        await refresh();
        setLedgerVersion((v) => v + 1);
      } else if (device) {
        await connect(device);
      }
    },
    [keyStore, status, device, client, refresh, connect],
  );

  const walletId = status === 'ready' && !airplane && !revoked ? device?.walletId : undefined;
  const streamTicket = useStreamTicket(walletId, client);
  const stream = useEventSource(streamTicket ? eventsUrl(streamTicket) : null, {
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
    // Offline money moving to or from the online balance (load, deposit, compensation at sync).
    'offline.loaded': () => walletChanged(),
    'offline.deposited': () => walletChanged(),
    'offline.synced': () => walletChanged(),
  });

  // A stream the server closed (its ticket expired, or the server restarted) reopens with a new one.
  const renewTicket = streamTicket?.renew;
  useEffect(() => {
    if (stream !== 'closed' || !renewTicket) return;
    const timer = setTimeout(renewTicket, TICKET_RETRY_MS);
    return () => clearTimeout(timer);
  }, [stream, renewTicket]);

  const adopt = useCallback(
    async (demo: DemoWallet) => {
      const target = demoDevice(demo);
      await keyStore.saveDevice(target);
      await keyStore.kv.delete(NO_AUTO_DEMO);
      revokedRef.current = null;
      setRevoked(null);
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
      revokedRef.current = null;
      setRevoked(null);
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
    revokedRef.current = null;
    setRevoked(null);
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
    revoked,
    deviceRevoked,
    ledgerVersion,
    notice,
    stream,
    airplane,
    setAirplane,
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
