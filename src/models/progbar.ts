/**
 * Keras's progress output (tf.keras 2 `Progbar`), for fit's `verbose`:
 *
 *   verbose 1 on a terminal: one line per epoch, redrawn in place at most every 50 ms:
 *     250/250 [==============================] - 12s 48ms/step - loss: 0.1234 - accuracy: 0.9630
 *   verbose 1 elsewhere (a log file, CI): only that final line per epoch
 *   verbose 2: 250/250 - 12s - loss: 0.1234 - accuracy: 0.9630 - 12s/epoch - 48ms/step
 */

/** Where the progress goes: a terminal-like stream, or just lines. */
export interface ProgressOutput {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** process.stdout in Node; console.log lines in a browser. */
export function defaultOutput(): ProgressOutput {
  const proc = (globalThis as { process?: { stdout?: { write(s: string): unknown; isTTY?: boolean } } }).process;
  const stdout = proc?.stdout;
  if (stdout !== undefined) return { write: (s) => void stdout.write(s), isTTY: stdout.isTTY === true };
  let pending = '';
  return {
    isTTY: false,
    write(s) {
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) console.log(line);
    },
  };
}

/** Keras formats a logged value with 4 decimals, or in exponent form when |v| ≤ 1e-3 (0 included: '0.0000e+00'). */
export function formatValue(v: number): string {
  return Math.abs(v) > 1e-3 ? v.toFixed(4) : v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs).map(([k, v]) => ` - ${k}: ${formatValue(v)}`).join('');
}

/** 48ms/step, 1s/epoch, 850us/step: Keras's `_format_time` (a time of exactly 0 is shown in seconds). */
function formatTime(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return `${Math.round(seconds)}s/${unit}`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/${unit}`;
  return `${Math.round(seconds * 1e6)}us/${unit}`;
}

export class Progbar {
  private readonly start = Date.now();
  private lastDraw = 0;
  private readonly digits: number;

  constructor(
    private readonly target: number,
    private readonly verbose: number,
    private readonly out: ProgressOutput,
  ) {
    this.digits = String(target).length;
  }

  private bar(current: number): string {
    const width = 30;
    const filled = Math.floor((width * current) / this.target);
    let bar = '[';
    if (filled > 0) bar += '='.repeat(filled - 1) + (current < this.target ? '>' : '=');
    return bar + '.'.repeat(width - filled) + ']';
  }

  /** Batch `current` (1-based) of `target` is done; `logs` are the running means. */
  update(current: number, logs: Record<string, number>): void {
    if (this.verbose !== 1 || !this.out.isTTY) return;
    const now = Date.now();
    if (current < this.target && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    const eta = current > 0 ? (elapsed / current) * (this.target - current) : 0;
    const count = `${String(current).padStart(this.digits)}/${this.target}`;
    this.out.write(`\r${count} ${this.bar(current)} - ETA: ${Math.round(eta)}s${formatLogs(logs)}`);
  }

  /** The epoch is over: write its final line with the epoch's logs (validation included). */
  finish(steps: number, logs: Record<string, number>): void {
    if (this.verbose === 0) return;
    const elapsed = (Date.now() - this.start) / 1000;
    const count = `${steps}/${this.target}`;
    const step = formatTime(elapsed / Math.max(steps, 1), 'step');
    if (this.verbose === 1) {
      // \r then the final line; the trailing spaces erase a longer ETA line underneath.
      const line = `${count} ${this.bar(steps)} - ${Math.round(elapsed)}s ${step}${formatLogs(logs)}`;
      this.out.write(`${this.out.isTTY ? '\r' : ''}${line}${this.out.isTTY ? '\x1b[K' : ''}\n`);
    } else {
      this.out.write(`${count} - ${Math.round(elapsed)}s${formatLogs(logs)} - ${formatTime(elapsed, 'epoch')} - ${step}\n`);
    }
  }
}
