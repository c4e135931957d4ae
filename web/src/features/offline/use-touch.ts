/**
 * The touch screens' state for one phone: the payee picks a payer (another
 * phone on the page, or another tab), asks an amount, the payer confirms;
 * the payer and payee state machines of wallet-core run over the link. Both
 * phones' screens update from local storage only: no network is involved.
 */
import {
  PayeeSession,
  type PayerOptions,
  PayerSession,
  type PaymentRequest,
  runPayee,
  runPayer,
  type Transport,
} from '@ecny-sim/wallet-core';
import { useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { describeError } from '../../lib/errors';
import {
  broadcastAvailable,
  inviteTab,
  isStandalonePhonePage,
  listenForTabs,
  type TouchEndpoint,
  TouchHubContext,
  type TouchPeer,
  TouchTiming,
} from './touch-hub';
import type { OfflineState } from './use-offline-wallet';

/** How long either side waits for the other (the payer's confirmation included). */
export const TOUCH_TIMEOUT_MS = 120_000;

export type TouchView =
  | { step: 'idle' }
  | { step: 'pick' }
  | { step: 'amount'; peer: TouchPeer }
  | { step: 'inviting'; peer: TouchPeer | null; amount: number }
  | { step: 'awaiting-payer'; peer: TouchPeer; amount: number }
  | { step: 'awaiting-request'; peer: TouchPeer }
  | { step: 'confirm'; peer: TouchPeer; request: PaymentRequest }
  | { step: 'working'; role: 'payer' | 'payee'; peer: TouchPeer }
  | {
      step: 'done';
      role: 'payer' | 'payee';
      peer: TouchPeer | null;
      ok: boolean;
      amount: number;
      code?: string;
      message?: string;
      timing?: TouchTiming;
      elapsedMs?: number;
    };

export interface TouchState {
  view: TouchView;
  /** Other phones on this page that can be touched. */
  phones: number[];
  canUseTabs: boolean;
  start(): void;
  choose(peer: TouchPeer | 'tab'): void;
  request(amount: number): void;
  confirm(replay: boolean): void;
  decline(): void;
  reset(): void;
}

const NO_PHONES: number[] = [];
const noSubscribe = () => () => {};

export function useTouch(phone: number, offline: OfflineState, onActive: () => void): TouchState {
  const hub = useContext(TouchHubContext);
  const allPhones = useSyncExternalStore(hub?.subscribe ?? noSubscribe, hub?.phones ?? (() => NO_PHONES));
  const phones = useMemo(() => allPhones.filter((p) => p !== phone), [allPhones, phone]);
  const [view, setView] = useState<TouchView>({ step: 'idle' });
  const pendingConfirm = useRef<{
    options: PayerOptions;
    resolve(ok: boolean): void;
    timing: TouchTiming;
  } | null>(null);
  const offlineRef = useRef(offline);
  offlineRef.current = offline;
  const onActiveRef = useRef(onActive);
  onActiveRef.current = onActive;

  const finish = useCallback(async (result: Omit<Extract<TouchView, { step: 'done' }>, 'step'>) => {
    await offlineRef.current.refresh();
    setView({ step: 'done', ...result });
    result.timing?.onDone((ms) =>
      setView((v) => (v.step === 'done' && v.timing === result.timing ? { ...v, elapsedMs: ms } : v)),
    );
  }, []);

  const runAsPayee = useCallback(
    async (
      link: Transport,
      peer: TouchPeer,
      amount: number,
      timing: TouchTiming | undefined,
      closeLink: boolean,
    ) => {
      const wallet = offlineRef.current.wallet;
      if (!wallet) return;
      setView({ step: 'awaiting-payer', peer, amount });
      const session = new PayeeSession(wallet, { amount });
      await runPayee(session, link, TOUCH_TIMEOUT_MS);
      if (closeLink) setTimeout(() => link.close(), 1000);
      const problem = session.reject ?? session.error;
      await finish({
        role: 'payee',
        peer,
        ok: session.state === 'completed',
        amount,
        ...(problem ? { code: problem.code, message: problem.message } : {}),
        ...(timing ? { timing } : {}),
      });
    },
    [finish],
  );

  const runAsPayer = useCallback(
    async (link: Transport, peer: TouchPeer, timing: TouchTiming, delayedClose: boolean) => {
      const wallet = offlineRef.current.wallet;
      if (!wallet) {
        link.close();
        return;
      }
      const options: PayerOptions = {
        confirm: (request) =>
          new Promise<boolean>((resolve) => {
            pendingConfirm.current = { options, resolve, timing };
            setView({ step: 'confirm', peer, request });
            onActiveRef.current();
          }),
      };
      const session = new PayerSession(wallet, options);
      await runPayer(session, link, TOUCH_TIMEOUT_MS);
      pendingConfirm.current = null;
      if (delayedClose) setTimeout(() => link.close(), 1000);
      else link.close();
      const problem = session.reject ?? session.error;
      await finish({
        role: 'payer',
        peer,
        ok: session.state === 'completed',
        amount: session.request?.amount ?? 0,
        ...(problem ? { code: problem.code, message: problem.message } : {}),
        ...(timing.start !== null ? { timing } : {}),
      });
    },
    [finish],
  );

  // Offer this phone to the page's hub (memory links) and, on a phone shown alone, to other tabs.
  const ready = offline.status === 'ready';
  useEffect(() => {
    if (!ready) return;
    const endpoint: TouchEndpoint = {
      incoming: (link, peer, timing) => {
        onActiveRef.current();
        void runAsPayer(link, peer, timing, false);
      },
      paired: (role, peer) => {
        onActiveRef.current();
        setView(role === 'payee' ? { step: 'amount', peer } : { step: 'awaiting-request', peer });
      },
    };
    const unregister = hub?.register(phone, endpoint);
    const unlisten = isStandalonePhonePage()
      ? listenForTabs(phone, (link, peer) => {
          onActiveRef.current();
          void runAsPayer(link, peer, new TouchTiming([phone]), true);
        })
      : undefined;
    return () => {
      unregister?.();
      unlisten?.();
    };
  }, [ready, hub, phone, runAsPayer]);

  const start = useCallback(() => setView({ step: 'pick' }), []);

  const choose = useCallback((peer: TouchPeer | 'tab') => {
    setView({ step: 'amount', peer: peer === 'tab' ? { kind: 'tab', phone: 0 } : peer });
  }, []);

  const request = useCallback(
    (amount: number) => {
      const current = view;
      if (current.step !== 'amount') return;
      const peer = current.peer;
      const fail = (e: unknown) => {
        const info = describeError(e);
        void finish({ role: 'payee', peer, ok: false, amount, code: info.code, message: info.message });
      };
      if (peer.kind === 'phone') {
        if (!hub) return;
        try {
          const { link, timing } = hub.connect(phone, peer.phone);
          void runAsPayee(link, peer, amount, timing, false).catch(fail);
        } catch (e) {
          fail(e);
        }
        return;
      }
      setView({ step: 'inviting', peer: null, amount });
      inviteTab(phone, amount, 30_000).then(
        ({ link, peer: tab }) => runAsPayee(link, tab, amount, undefined, true),
        fail,
      );
    },
    [view, hub, phone, runAsPayee, finish],
  );

  const confirm = useCallback((replay: boolean) => {
    const pending = pendingConfirm.current;
    if (!pending) return;
    pendingConfirm.current = null;
    pending.options.reuseSpentCoins = replay;
    pending.timing.confirmed();
    setView((v) => (v.step === 'confirm' ? { step: 'working', role: 'payer', peer: v.peer } : v));
    pending.resolve(true);
  }, []);

  const decline = useCallback(() => {
    const pending = pendingConfirm.current;
    pendingConfirm.current = null;
    pending?.resolve(false);
  }, []);

  const reset = useCallback(() => {
    pendingConfirm.current?.resolve(false);
    pendingConfirm.current = null;
    setView({ step: 'idle' });
  }, []);

  return {
    view,
    phones,
    canUseTabs: broadcastAvailable(),
    start,
    choose,
    request,
    confirm,
    decline,
    reset,
  };
}
