/**
 * Pause, resume and stop for one training run, as the worker sees them. The page's messages can
 * arrive at any moment: before the digits are loaded, in the middle of a step (they wait in the
 * worker's queue until fit yields between two batches), or after the last batch. Whatever the order,
 * the run either goes on, holds at the next batch end until resumed, or ends after the batch it is in;
 * a pause that comes too late to hold anything is simply dropped, and a stop always wins.
 */
export class RunControl {
  private pauseRequested = false;
  private stopRequested = false;
  private release: (() => void) | null = null;
  private finished = false;

  /** `onHold(true)` when the run starts holding at a batch end, `onHold(false)` when it goes on. */
  constructor(private readonly onHold: (held: boolean) => void) {}

  pause(): void {
    if (!this.finished && !this.stopRequested) this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    this.release?.();
    this.release = null;
  }

  /** End the run after the batch it is in (a held run is released to end). */
  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  get stopped(): boolean {
    return this.stopRequested;
  }

  /** At each batch end: hold while a pause is requested; then say whether the run must stop. */
  async batchEnd(): Promise<boolean> {
    if (this.pauseRequested && !this.stopRequested) {
      this.onHold(true);
      await new Promise<void>((ok) => (this.release = ok));
      this.onHold(false);
    }
    return this.stopRequested;
  }

  /** The run is over: later pauses are dropped. */
  finish(): void {
    this.finished = true;
    this.resume();
  }
}
