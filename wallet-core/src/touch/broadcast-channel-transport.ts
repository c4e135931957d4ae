/**
 * Touch between two browser tabs over globalThis.BroadcastChannel. Both tabs
 * open the same channel name; each frame names its sender so a tab ignores
 * its own frames and those of other sessions.
 */
import { EcnyError } from '../errors/index';
import { MessageInbox, type TouchMessage, type Transport } from './transport';

interface Frame {
  from: string;
  message: TouchMessage;
}

export class BroadcastChannelTransport implements Transport {
  readonly #channel: BroadcastChannel;
  readonly #inbox = new MessageInbox();
  readonly #self: string;

  /** `channelName` is shared by both tabs (e.g. ecny-touch/<session>); `self` is unique per tab. */
  constructor(channelName: string, self: string) {
    const Channel = globalThis.BroadcastChannel;
    if (!Channel) throw new EcnyError('TOUCH_UNAVAILABLE', 'BroadcastChannel is not available here');
    this.#self = self;
    this.#channel = new Channel(channelName);
    this.#channel.onmessage = (event: MessageEvent<Frame>) => {
      const frame = event.data;
      if (frame && frame.from !== this.#self && frame.message) this.#inbox.push(frame.message);
    };
  }

  send(message: TouchMessage): void {
    const frame: Frame = { from: this.#self, message };
    this.#channel.postMessage(frame);
  }

  receive(timeoutMs?: number): Promise<TouchMessage> {
    return this.#inbox.next(timeoutMs);
  }

  close(): void {
    this.#inbox.close();
    this.#channel.close();
  }
}
