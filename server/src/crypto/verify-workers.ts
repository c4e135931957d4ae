/**
 * Ed25519 verification in bulk on worker threads. Verifications asked for
 * within one turn of the event loop are gathered and sent to the workers
 * as one message per worker (base64url text: signature, 32-byte digest,
 * public key); each worker verifies its share synchronously with libsodium
 * (sodium.ts) and answers with one byte per item. Compared with one libuv
 * job per signature, the event loop pays almost nothing per verification (no job, buffers or callback each), which
 * is what limits throughput when thousands arrive at once (a transfer
 * batch, a sync upload).
 *
 * One pool per process, started on first use; idle workers do not keep the
 * process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SODIUM_PATH } from './libsodium';

/** The worker: plain CommonJS evaluated from this string, so it runs the same under tsx, vitest and node. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodium);
const sig = Buffer.alloc(64);
const key = Buffer.alloc(32);
parentPort.on('message', ({ id, text }) => {
  const items = text.split(',');
  const n = items.length / 3;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    try {
      const s = items[3 * i];
      const x = items[3 * i + 2];
      // Exact lengths: a longer text would otherwise be cut to fit the buffer.
      if (s.length !== 86 || x.length !== 43) continue;
      sig.write(s, 'base64url');
      key.write(x, 'base64url');
      out[i] = sodium.crypto_sign_verify_detached(sig, Buffer.from(items[3 * i + 1], 'base64url'), key) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

interface Ask {
  sig: string;
  msg: string;
  key: string;
  /** Called with the verdict and `index` (the item's place in a verifyMany call). */
  done: (ok: boolean, index: number) => void;
  index: number;
}

/** A signature, the base64url digest it signs and the base64url public key. */
export interface TextItem {
  sig: string;
  msg: string;
  key: string;
}

/**
 * Items per message: large enough that the event loop pays little per item, small enough that
 * answers stream back in order while the workers go on (callers act on early answers).
 */
const PER_MESSAGE = 128;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

class VerifyWorkers {
  readonly #workers: Worker[] = [];
  readonly #waiting = new Map<number, { asks: Ask[]; worker: Worker }>();
  readonly #busy = new Map<Worker, number>();
  #queue: Ask[] = [];
  #scheduled = false;
  #nextId = 1;
  #turn = 0;

  constructor(count: number) {
    for (let i = 0; i < count; i++) this.#workers.push(this.#start());
  }

  #start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sodium: SODIUM_PATH } });
    worker.unref();
    worker.on('message', (m: { id: number; out: Uint8Array }) => this.#answer(m.id, m.out));
    worker.on('exit', () => this.#lost(worker));
    this.#busy.set(worker, 0);
    return worker;
  }

  verify(sig: string, msg: string, key: string): Promise<boolean> {
    return new Promise((resolve) => this.#ask(sig, msg, key, resolve, 0));
  }

  /**
   * Many verifications with one answer, in order (1 verified, 0 not): no promise per item, for
   * callers that act on a whole slice at once (a transfer batch).
   */
  verifyMany(items: readonly TextItem[]): Promise<Uint8Array> {
    const out = new Uint8Array(items.length);
    if (items.length === 0) return Promise.resolve(out);
    return new Promise((resolve) => {
      let left = items.length;
      const done = (ok: boolean, index: number) => {
        out[index] = ok ? 1 : 0;
        if (--left === 0) resolve(out);
      };
      for (let i = 0; i < items.length; i++) {
        const { sig, msg, key } = items[i]!;
        this.#ask(sig, msg, key, done, i);
      }
    });
  }

  #ask(sig: string, msg: string, key: string, done: Ask['done'], index: number): void {
    // Text that would break the comma-separated message is not a signature, digest or key.
    if (!BASE64URL.test(sig) || !BASE64URL.test(msg) || !BASE64URL.test(key)) {
      done(false, index);
      return;
    }
    this.#queue.push({ sig, msg, key, done, index });
    // A full message goes at once, so the workers start while the caller is still asking.
    if (this.#queue.length >= PER_MESSAGE) {
      this.#send(this.#queue);
      this.#queue = [];
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const asks = this.#queue;
    this.#queue = [];
    if (asks.length === 0) return;
    for (let start = 0; start < asks.length; start += PER_MESSAGE) {
      this.#send(asks.slice(start, start + PER_MESSAGE));
    }
  }

  #send(asks: Ask[]): void {
    const worker = this.#workers[this.#turn++ % this.#workers.length]!;
    const id = this.#nextId++;
    let text = '';
    for (let i = 0; i < asks.length; i++) {
      const a = asks[i]!;
      text += `${i ? ',' : ''}${a.sig},${a.msg},${a.key}`;
    }
    this.#waiting.set(id, { asks, worker });
    const busy = this.#busy.get(worker)! + 1;
    this.#busy.set(worker, busy);
    // A worker with work in hand keeps the process alive until it answers.
    if (busy === 1) worker.ref();
    worker.postMessage({ id, text });
  }

  #answer(id: number, out: Uint8Array): void {
    const entry = this.#waiting.get(id);
    if (!entry) return;
    this.#waiting.delete(id);
    this.#release(entry.worker);
    for (let i = 0; i < entry.asks.length; i++) {
      const a = entry.asks[i]!;
      a.done(out[i] === 1, a.index);
    }
  }

  #release(worker: Worker): void {
    const busy = this.#busy.get(worker)! - 1;
    this.#busy.set(worker, busy);
    if (busy === 0) worker.unref();
  }

  /**
   * A worker that stopped answers "not verified" for what it held (never a false yes; the
   * caller refuses and the client retries) and is replaced.
   */
  #lost(worker: Worker): void {
    for (const [id, entry] of this.#waiting) {
      if (entry.worker !== worker) continue;
      this.#waiting.delete(id);
      for (const a of entry.asks) a.done(false, a.index);
    }
    this.#busy.delete(worker);
    const at = this.#workers.indexOf(worker);
    if (at >= 0) this.#workers[at] = this.#start();
  }
}

let shared: VerifyWorkers | undefined;

/** The process's verification workers, one per core (started on first use). */
export function verifyWorkers(): VerifyWorkers {
  shared ??= new VerifyWorkers(Math.max(1, availableParallelism()));
  return shared;
}
