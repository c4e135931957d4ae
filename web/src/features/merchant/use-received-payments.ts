/**
 * Payments arriving at this phone while a merchant screen is open, taken
 * from the phone's live event stream (each `payment.settled` to this wallet
 * becomes the session's notice, with its own id).
 */
import { useEffect, useState } from 'react';
import type { PhoneSession } from '../wallet/use-phone-session';

export interface ReceivedPayment {
  id: number;
  amount: number;
  from: string | null;
  at: number;
}

export function useReceivedPayments(session: PhoneSession, limit = 8): ReceivedPayment[] {
  const [received, setReceived] = useState<ReceivedPayment[]>([]);
  const notice = session.notice;
  // A notice already on screen when the view opened arrived before it: not "received now".
  const [openedAfter] = useState(() => notice?.id ?? 0);
  useEffect(() => {
    if (notice?.kind !== 'received' || notice.id <= openedAfter) return;
    setReceived((list) =>
      list.some((r) => r.id === notice.id)
        ? list
        : [
            { id: notice.id, amount: notice.amount, from: notice.from ?? null, at: Date.now() },
            ...list,
          ].slice(0, limit),
    );
  }, [notice, limit, openedAfter]);
  return received;
}
