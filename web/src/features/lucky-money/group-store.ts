/**
 * The demo group chat's messages: which lucky-money envelopes were posted to
 * the group, by whom. The server tells only the sender (SSE lucky.created
 * goes to the sender's wallet) and has no "envelopes of a group" query, so
 * the group itself lives in the page: phones on the demo page share this
 * module, and other windows of the same browser learn of new messages
 * through localStorage's `storage` event. Each envelope's state (shares
 * left, who got what) always comes from the server: GET /v1/lucky/:id.
 */
import { useSyncExternalStore } from 'react';

export const DEMO_GROUP_ID = 'grp_demo';

export interface GroupMessage {
  envelopeId: string;
  groupId: string;
  from: string;
  fromName: string;
  memo: string | null;
  at: number;
}

const STORAGE_KEY = 'ecny-lucky-group';
const MAX_MESSAGES = 50;

function read(): GroupMessage[] {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(parsed) ? (parsed as GroupMessage[]) : [];
  } catch {
    return [];
  }
}

let messages: GroupMessage[] = read();
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key !== STORAGE_KEY) return;
    messages = read();
    emit();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

function save(next: GroupMessage[]): void {
  messages = next.slice(-MAX_MESSAGES);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(messages));
  } catch {
    // Storage full or disabled: the page still shares the messages in memory.
  }
  emit();
}

export function postToGroup(message: GroupMessage): void {
  if (messages.some((m) => m.envelopeId === message.envelopeId)) return;
  save([...messages, message]);
}

/** Drops a message whose envelope the server does not know (e.g. after the demo world was re-seeded). */
export function dropFromGroup(envelopeId: string): void {
  if (!messages.some((m) => m.envelopeId === envelopeId)) return;
  save(messages.filter((m) => m.envelopeId !== envelopeId));
}

export function useGroupMessages(groupId: string): GroupMessage[] {
  const all = useSyncExternalStore(subscribe, () => messages);
  return all.filter((m) => m.groupId === groupId);
}
