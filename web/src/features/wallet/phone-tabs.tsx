/**
 * The phone's bottom navigation. Offline touch payments, QR scanning, red
 * envelopes and lucky money add their screens here, and a shortcut to them
 * on the Home screen's action grid (home/HomeScreen.tsx).
 */
import type { ComponentType } from 'react';
import type { MessageKey } from '../../lib/i18n';
import { HistoryScreen } from './history/HistoryScreen';
import { HomeScreen } from './home/HomeScreen';
import { PayScreen } from './pay/PayScreen';
import { SettingsScreen } from './settings/SettingsScreen';

export type PhoneTabId = 'home' | 'pay' | 'history' | 'settings';

export interface PhoneTab {
  id: PhoneTabId;
  label: MessageKey;
  icon: string;
  Screen: ComponentType;
}

export const PHONE_TABS: readonly PhoneTab[] = [
  { id: 'home', label: 'tab.home', icon: '⌂', Screen: HomeScreen },
  { id: 'pay', label: 'tab.pay', icon: '¥', Screen: PayScreen },
  { id: 'history', label: 'tab.history', icon: '≡', Screen: HistoryScreen },
  { id: 'settings', label: 'tab.settings', icon: '⚙', Screen: SettingsScreen },
];
