/**
 * Context of one phone: its wallet session, the issuer info and navigation
 * between the phone's tabs. Screens read it instead of taking props, so a new
 * screen (touch, scan, red envelopes) only needs a tab entry.
 */
import { createContext, useContext } from 'react';
import type { IssuerInfo } from './api/info';
import type { PhoneTabId } from './phone-tabs';
import type { PhoneSession } from './use-phone-session';

export interface PhoneContextValue {
  session: PhoneSession;
  issuer: IssuerInfo | null;
  tab: PhoneTabId;
  navigate(tab: PhoneTabId): void;
}

export const PhoneContext = createContext<PhoneContextValue | null>(null);

export function usePhone(): PhoneContextValue {
  const value = useContext(PhoneContext);
  if (!value) throw new Error('usePhone must be used inside a <Phone>');
  return value;
}
