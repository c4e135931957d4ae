/**
 * Checkpoints of a file database's write-ahead log on a worker thread.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses its
 * threshold (1,000 pages), on the connection that commits: it copies the
 * logged pages back into the database file and fsyncs the log and the file,
 * all on the event loop. Under load that happened every few hundred
 * transfers and cost more than the transfers themselves. Here the server's
 * connection never checkpoints on its own (wal_autocheckpoint = 0); a worker
 * with its own connection runs PASSIVE checkpoints (which never block
 * writers or readers) a little after commits, so the copying and both fsyncs
 * happen off the event loop.
 *
 * A passive checkpoint cannot back-fill what is written while it runs, and
 * SQLite restarts the log from its beginning only when a writer finds it
 * fully back-filled, so under sustained writes the log would only grow. Once
 * it is past `restartFrames`, the next checkpoint is a held one: the store
 * holds its commits (queued ledger groups, recorded spends) until it is done
 * (requests go on being read and verified meanwhile), and the first commit
 * after it restarts the log. The store also caps the log file's size on disk after a restart
 * (journal_size_limit).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The worker: plain CommonJS evaluated from this string, so it runs the same under tsx, vitest and node. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
// The log is fsynced before pages are copied back and the database file after.
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 0');
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    db.close();
    parentPort.postMessage({ type: 'closed' });
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'done', busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ type: 'failed', message: String((e && e.message) || e) });
  }
});
`;

export interface CheckpointerOptions {
  /** The database file (the server's connection has it open in WAL mode). */
  path: string;
  /** At least this long between the starts of two checkpoints while commits go on. */
  intervalMs?: number;
  /** Frames in the log past which the next checkpoint holds commits so that the log restarts. */
  restartFrames?: number;
  /** A checkpoint failed (the next commit asks for another). */
  onError?: (message: string) => void;
  /** The worker is gone (it could not open the database, say): the store checkpoints on its own again. */
  onGone?: () => void;
}

export interface CheckpointStats {
  /** Checkpoints completed. */
  runs: number;
  /** Of those, held ones (commits waited so that the log restarts). */
  held: number;
  /** Times a checkpoint found fewer frames in the log than the one before (the log had restarted). */
  restarts: number;
  /** Frames in the log and frames back-filled, as the last checkpoint found them. */
  log: number;
  checkpointed: number;
}

export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #intervalMs: number;
  readonly #restartFrames: number;
  readonly #onError: (message: string) => void;
  #running = false;
  #holding = false;
  /** The next checkpoint is to be a held one (the log has grown past restartFrames). */
  #holdNext = false;
  /** Commits happened since the running checkpoint started. */
  #dirty = false;
  #lastStart = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #idleWaiters: (() => void)[] = [];
  #releaseWaiters: (() => void)[] = [];
  #closed = false;
  #gone = false;
  readonly #onGone: () => void;
  #closeWaiters: (() => void)[] = [];
  readonly stats: CheckpointStats = { runs: 0, held: 0, restarts: 0, log: 0, checkpointed: 0 };

  constructor(options: CheckpointerOptions) {
    this.#intervalMs = options.intervalMs ?? 200;
    this.#restartFrames = options.restartFrames ?? 16_384;
    this.#onError = options.onError ?? ((message) => process.emitWarning(`WAL checkpoint: ${message}`));
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path: options.path },
    });
    this.#worker.unref();
    this.#worker.on(
      'message',
      (m: { type: string; log?: number; checkpointed?: number; message?: string }) => {
        if (m.type === 'done') this.#finished(m.log!, m.checkpointed!);
        else if (m.type === 'failed') {
          this.#onError(m.message ?? 'failed');
          this.#finished(this.stats.log, this.stats.checkpointed);
        }
      },
    );
    this.#onGone = options.onGone ?? (() => {});
    this.#worker.on('error', (e) => {
      this.#onError(e.message);
      this.#goneNow();
    });
    this.#worker.on('exit', () => this.#goneNow());
  }

  /** The worker stopped: whatever waits on it is released, and nothing more is asked of it. */
  #goneNow(): void {
    if (this.#gone) return;
    this.#gone = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running) this.#finished(this.stats.log, this.stats.checkpointed);
    for (const closed of this.#closeWaiters.splice(0)) closed();
    if (!this.#closed) this.#onGone();
  }

  /** Whether the store must hold its ledger commits now (a held checkpoint is running). */
  get holding(): boolean {
    return this.#holding;
  }

  /** Whether the next checkpoint will hold commits (the store then starts it before committing more). */
  get wantsHold(): boolean {
    return this.#holdNext && !this.#running;
  }

  /** Resolves when a held checkpoint is over (at once when none is running). */
  released(): Promise<void> {
    if (!this.#holding) return Promise.resolve();
    return new Promise((resolve) => this.#releaseWaiters.push(resolve));
  }

  /** Called after every commit: starts a checkpoint once the interval has passed, or schedules one. */
  committed(): void {
    if (this.#closed || this.#gone) return;
    this.#dirty = true;
    if (this.#running || this.#timer) return;
    // A held checkpoint is due: the store's next commit starts it; writes that do not wait for
    // holds (accounts, wallets) get an ordinary one after the interval.
    const wait = this.#holdNext
      ? Math.max(this.#intervalMs, 1)
      : this.#lastStart + this.#intervalMs - performance.now();
    if (wait <= 0) this.#start(false);
    else {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#dirty && !this.#running && !this.#closed) this.#start(false);
      }, wait);
      this.#timer.unref();
    }
  }

  /** Starts the held checkpoint the log needs (the store calls it instead of committing). */
  hold(): void {
    if (!this.#running && !this.#closed && !this.#gone) this.#start(true);
  }

  #start(held: boolean): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#running = true;
    this.#holding = held;
    this.#holdNext = false;
    this.#dirty = false;
    this.#lastStart = performance.now();
    this.#worker.ref();
    this.#worker.postMessage({ type: 'checkpoint' });
  }

  #finished(log: number, checkpointed: number): void {
    if (!this.#gone) this.#worker.unref();
    this.stats.runs++;
    if (this.#holding) this.stats.held++;
    if (log < this.stats.log) this.stats.restarts++;
    this.stats.log = log;
    this.stats.checkpointed = checkpointed;
    // The log restarts only when a commit begins after a checkpoint that left nothing behind, which
    // commits made while it ran prevent: a long log asks for a held one (after a held one, the
    // next commit restarts it).
    this.#holdNext = !this.#holding && log >= this.#restartFrames;
    this.#running = false;
    this.#holding = false;
    for (const release of this.#releaseWaiters.splice(0)) release();
    if (this.#dirty && !this.#closed && !this.#gone) {
      this.#dirty = false;
      this.committed();
      // Commits made while this one ran: whoever waits for the log to be back-filled waits for
      // them too, so their checkpoint runs now instead of after the interval.
      if (this.#timer && this.#idleWaiters.length > 0) this.#start(false);
    }
    if (!this.#running) for (const idle of this.#idleWaiters.splice(0)) idle();
  }

  /** Resolves once no checkpoint is running or scheduled (tests; closing). */
  idle(): Promise<void> {
    if (this.#gone || (!this.#running && !this.#timer)) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        if (!this.#running) this.#start(false);
      }
      this.#idleWaiters.push(resolve);
    });
  }

  /** Waits for a running checkpoint, then closes the worker's connection. */
  async close(): Promise<void> {
    await this.idle();
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#gone) {
      this.#worker.ref();
      await new Promise<void>((resolve) => {
        this.#closeWaiters.push(resolve);
        this.#worker.on('message', (m: { type: string }) => {
          if (m.type === 'closed') resolve();
        });
        this.#worker.postMessage({ type: 'close' });
      });
    }
    await this.#worker.terminate();
  }
}
