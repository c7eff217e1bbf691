import type { Tensor } from '../tensor.js';
import { allocFloat32 } from '../storage.js';

/**
 * The base of every optimizer: it owns the step count and each parameter's state buffers, and
 * delegates one update of one parameter to the subclass (`updateParameter`).
 *
 * `step(params)` applies one update to every parameter that has a gradient; fit then clears the
 * gradients. State is created lazily, the first time a parameter is seen.
 */
export abstract class Optimizer {
  /** Keras class name ('Adam', 'SGD', 'RMSprop'), for model files. */
  abstract readonly className: string;
  /** Number of steps taken (Keras's `iterations`); Adam's t. */
  iterations = 0;
  private readonly state = new Map<Tensor, Float32Array[]>();

  /** How many state buffers, each as long as the parameter, this optimizer keeps per parameter. */
  protected abstract readonly slotCount: number;

  /**
   * Zeroed state buffers for a parameter of `size` floats, `slotCount` of them. Adam overrides it
   * to keep big state in WebAssembly memory (kernels/optimizers-fast.ts).
   */
  protected createSlots(size: number): Float32Array[] {
    return Array.from({ length: this.slotCount }, () => allocFloat32(size));
  }

  /** Update one parameter in place from its gradient; `slots` are its state buffers; t ≥ 1. */
  protected abstract updateParameter(w: Float32Array, g: Float32Array, slots: Float32Array[], t: number): void;

  /** Keras JSON config (snake_case). */
  abstract getConfig(): Record<string, unknown>;

  /** One update of every parameter that has a gradient. */
  step(params: readonly Tensor[]): void {
    this.iterations++;
    for (const p of params) {
      if (p.grad === null) continue;
      this.updateParameter(p.data, p.grad.data, this.slotsOf(p), this.iterations);
    }
  }

  /** The state buffers of a parameter (created zeroed on first use). */
  slotsOf(p: Tensor): Float32Array[] {
    let slots = this.state.get(p);
    if (slots === undefined) {
      slots = this.createSlots(p.size);
      this.state.set(p, slots);
    }
    return slots;
  }
}
