/**
 * Subscribes to a Server-Sent Events stream for as long as the component is
 * mounted. Handlers may change on every render without reconnecting.
 */
import { useEffect, useRef, useState } from 'react';

export type StreamState = 'connecting' | 'open' | 'closed';
export type EventHandlers = Record<string, (data: unknown) => void>;

export function useEventSource(url: string | null, handlers: EventHandlers): StreamState {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const [state, setState] = useState<StreamState>('connecting');
  const eventNames = Object.keys(handlers).sort().join(',');

  useEffect(() => {
    if (!url) {
      setState('closed');
      return;
    }
    const source = new EventSource(url);
    setState('connecting');
    source.onopen = () => setState('open');
    // EventSource reconnects by itself (the server sends `retry:`); only a closed source is final.
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    const listeners = eventNames
      .split(',')
      .filter(Boolean)
      .map((name) => {
        const listener = (event: MessageEvent<string>) => {
          let data: unknown = null;
          try {
            data = JSON.parse(event.data);
          } catch {
            return;
          }
          handlersRef.current[name]?.(data);
        };
        source.addEventListener(name, listener);
        return [name, listener] as const;
      });
    return () => {
      for (const [name, listener] of listeners) source.removeEventListener(name, listener);
      source.close();
    };
  }, [url, eventNames]);

  return state;
}
