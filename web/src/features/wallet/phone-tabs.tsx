/**
 * The phone's bottom navigation. Offline touch payments, QR scanning, red
 * envelopes and lucky money add their screens here, and a shortcut to them
 * on the Home screen's action grid (home/HomeScreen.tsx).
 */
import type { ComponentType } from 'react';
import type { MessageKey } from '../../lib/i18n';
import { LuckyScreen } from '../lucky-money/LuckyScreen';
import { ChargeScreen } from '../merchant/ChargeScreen';
import { ReceiveScreen } from '../merchant/ReceiveScreen';
import { TouchScreen } from '../offline/TouchScreen';
import { PayCodeScreen } from '../paycode/PayCodeScreen';
import { CampaignsScreen } from '../red-envelopes/CampaignsScreen';
import { ScanScreen } from '../scan/ScanScreen';
import { HistoryScreen } from './history/HistoryScreen';
import { HomeScreen } from './home/HomeScreen';
import { PayScreen } from './pay/PayScreen';
import { SettingsScreen } from './settings/SettingsScreen';

export type PhoneTabId =
  | 'home'
  | 'pay'
  | 'scan'
  | 'paycode'
  | 'receive'
  | 'charge'
  | 'touch'
  | 'campaigns'
  | 'lucky'
  | 'history'
  | 'settings';

export interface PhoneTab {
  id: PhoneTabId;
  label: MessageKey;
  icon: string;
  Screen: ComponentType;
  /** False for screens reached from the Home grid only, to keep the tab bar to a few tabs. */
  inTabBar?: boolean;
}

export const PHONE_TABS: readonly PhoneTab[] = [
  { id: 'home', label: 'tab.home', icon: '⌂', Screen: HomeScreen },
  { id: 'pay', label: 'tab.pay', icon: '¥', Screen: PayScreen },
  { id: 'scan', label: 'tab.scan', icon: '◎', Screen: ScanScreen },
  { id: 'paycode', label: 'tab.paycode', icon: '▦', Screen: PayCodeScreen, inTabBar: false },
  { id: 'receive', label: 'tab.receive', icon: '▣', Screen: ReceiveScreen, inTabBar: false },
  { id: 'charge', label: 'tab.charge', icon: '◈', Screen: ChargeScreen, inTabBar: false },
  { id: 'touch', label: 'tab.touch', icon: '⇄', Screen: TouchScreen, inTabBar: false },
  { id: 'campaigns', label: 'tab.campaigns', icon: '🧧', Screen: CampaignsScreen, inTabBar: false },
  { id: 'lucky', label: 'tab.lucky', icon: '✉', Screen: LuckyScreen, inTabBar: false },
  { id: 'history', label: 'tab.history', icon: '≡', Screen: HistoryScreen },
  { id: 'settings', label: 'tab.settings', icon: '⚙', Screen: SettingsScreen },
];

/** The screens a phone keeps once its device is revoked: none of them needs the server. */
export const REVOKED_TABS: ReadonlySet<PhoneTabId> = new Set(['home', 'touch', 'settings']);
