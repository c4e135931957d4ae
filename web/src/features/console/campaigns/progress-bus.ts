/**
 * campaign.progress events (public SSE) handed from the issuer panel's one
 * event stream to the campaign console, so the console opens no stream of
 * its own (browsers allow only a few connections per host over HTTP/1.1).
 */
export interface CampaignProgress {
  campaignId: string;
  kind: string;
  at?: number;
  [field: string]: unknown;
}

type Listener = (event: CampaignProgress) => void;
const listeners = new Set<Listener>();

export function publishCampaignProgress(data: unknown): void {
  const event = data as CampaignProgress;
  if (!event || typeof event.campaignId !== 'string' || typeof event.kind !== 'string') return;
  for (const listener of listeners) listener(event);
}

export function onCampaignProgress(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
