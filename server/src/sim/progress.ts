/**
 * A progress bar on stderr when it is a terminal; silent otherwise (CI,
 * pipes, tests). Redraws at most ten times a second.
 */
export interface Progress {
  /** Starts a phase with `total` steps (0: no bar, just the label). */
  phase(label: string, total?: number): void;
  tick(n?: number): void;
  done(): void;
}

export const silentProgress: Progress = { phase() {}, tick() {}, done() {} };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  let label = '';
  let total = 0;
  let count = 0;
  let started = 0;
  let lastDraw = 0;
  const draw = (force = false) => {
    const now = performance.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const secs = ((now - started) / 1000).toFixed(1);
    const cols = stream.columns ?? 80;
    let line: string;
    if (total > 0) {
      const frac = Math.min(1, count / total);
      const width = Math.max(10, Math.min(40, cols - label.length - 40));
      const filled = Math.round(frac * width);
      line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${secs}s`;
    } else line = `${label} ${secs}s`;
    stream.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
  };
  return {
    phase(l, t = 0) {
      if (label) this.done();
      label = l;
      total = t;
      count = 0;
      started = performance.now();
      draw(true);
    },
    tick(n = 1) {
      count += n;
      draw();
    },
    done() {
      if (!label) return;
      draw(true);
      stream.write('\n');
      label = '';
    },
  };
}
