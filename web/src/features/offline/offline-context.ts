/** The offline wallet and touch state of one phone, for its screens (provided by <Phone>). */
import { createContext, useContext } from 'react';
import type { OfflineState } from './use-offline-wallet';
import type { TouchState } from './use-touch';

export interface OfflineContextValue {
  offline: OfflineState;
  touch: TouchState;
}

export const OfflineContext = createContext<OfflineContextValue | null>(null);

export function useOffline(): OfflineContextValue {
  const value = useContext(OfflineContext);
  if (!value) throw new Error('useOffline must be used inside a <Phone>');
  return value;
}
