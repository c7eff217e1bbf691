import { allocFloat32, releaseFloat32 } from './storage.js';
import { isGradEnabled } from './grad-mode.js';
import { elementwiseKernels } from './kernel-tables/elementwise.js';
import { type Shape, shapeSize, shapeToString, assertValidShape, shapesEqual } from './shape.js';

/**
 * A recorded op's backward: given d(loss)/d(output), add each input's gradient into it.
 *
 * With `owned` false, `dout` is only lent for the call (it is a `.grad` the user asked to keep):
 * read it, never write or keep it. With `owned` true, backward() will not read it again, so the
 * closure may compute an input's gradient in it, in place, and may make it one input's gradient
 * storage (`accumulateGrad(input, dout, true)`: at most one input, after the others have read it).
 * Either way, once the closure returns, backward() gives dout's storage back for reuse unless an
 * input's gradient now uses it.
 */
type BackwardFn = (dout: Float32Array, owned: boolean) => void;

/** Nested number arrays, as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/**
 * A dense float32 tensor: row-major, contiguous storage in `data`, with its place in the
 * define-by-run graph.
 *
 * When an op runs on tensors that require gradients, its output remembers the inputs and a backward
 * closure; `backward()` walks that graph. A tensor owns its `data`; nothing in tatami changes a
 * tensor's data behind the user's back, except optimizers updating parameters in place.
 */
export class Tensor {
  readonly shape: Shape;
  readonly size: number;
  readonly data: Float32Array;
  /** Whether gradients flow to this tensor. Set it on leaves (parameters, inputs you study). */
  requiresGrad: boolean;
  /**
   * d(loss)/d(this) after `backward()`. On a leaf it accumulates over calls until you reset it to
   * null. An op's output keeps it only after `retainGrad()` (then: the gradient of the latest
   * backward() that passed through it); otherwise its storage goes back for reuse during backward.
   */
  grad: Tensor | null = null;
  /** Name of the op that made this tensor ('' for a leaf). */
  readonly op: string;
  private recordedInputs: readonly Tensor[] = [];
  private backwardFn: BackwardFn | null = null;
  private keepsGrad = false;
  private scratchBuffers: Float32Array[] = [];

  constructor(data: Float32Array, shape: Shape, requiresGrad = false, op = '') {
    assertValidShape('Tensor', shape);
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new Error(`Tensor: data has ${data.length} elements but shape ${shapeToString(shape)} needs ${size}`);
    }
    this.shape = Object.freeze([...shape]);
    this.size = size;
    this.data = data;
    this.requiresGrad = requiresGrad;
    this.op = op;
  }

  /**
   * Make an op's output and, when gradients are on and some input requires them, record the op.
   * Ops call this once, right after their forward, with the backward closure beside it.
   */
  static fromOp(op: string, data: Float32Array, shape: Shape, inputs: readonly Tensor[], backward: BackwardFn): Tensor {
    const needsGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
    const out = new Tensor(data, shape, needsGrad, op);
    // Only what backward needs is kept, and only when it will run: under noGrad (inference) or when
    // no input wants a gradient, the output holds neither its inputs nor the closure (which may hold
    // large buffers), so nothing of a batch stays reachable once its output has been used.
    if (needsGrad) {
      out.recordedInputs = inputs;
      out.backwardFn = backward;
    }
    return out;
  }

  /**
   * Keep this op output's `.grad` after backward(), as PyTorch's `retain_grad()`. Without it, backward()
   * gives an op output's gradient storage back for reuse as soon as the gradient has been passed on
   * to the op's inputs, and leaves `.grad` null. Leaves always keep theirs. Returns this tensor.
   */
  retainGrad(): this {
    this.keepsGrad = true;
    return this;
  }

  /**
   * Declares buffers this op output's backward reads besides its input tensors (an im2col matrix):
   * when fit gives a finished step's storage back (src/recycle.ts), these go back too. An op calls
   * it right after fromOp, with buffers it made for this call alone. Without a recorded backward
   * (noGrad, or no input wants a gradient) nothing is held. Returns this tensor.
   */
  holdScratch(...buffers: Float32Array[]): this {
    if (this.backwardFn !== null) this.scratchBuffers.push(...buffers);
    return this;
  }

  /** The buffers declared with holdScratch. */
  get scratch(): readonly Float32Array[] {
    return this.scratchBuffers;
  }

  /** Whether backward() leaves `.grad` on this tensor: always on a leaf, after retainGrad() on an op output. */
  get retainsGrad(): boolean {
    return this.backwardFn === null || this.keepsGrad;
  }

  /**
   * The tensors this one was computed from, as recorded for backward: empty for a leaf, and for an
   * op's output made under noGrad or from inputs that need no gradient.
   */
  get inputs(): readonly Tensor[] {
    return this.recordedInputs;
  }

  get rank(): number {
    return this.shape.length;
  }

  /**
   * Backpropagate from this tensor: fill `.grad` of every tensor that requires gradients and led here.
   * `seedGrad` is d(loss)/d(this); it defaults to ones (so a scalar loss needs none, and a non-scalar
   * output acts as if it were summed).
   */
  backward(seedGrad?: Tensor | Float32Array | number[]): void {
    if (!this.requiresGrad) {
      throw new Error(`backward: this tensor (op '${this.op || 'leaf'}') does not require grad; set requiresGrad on an input`);
    }
    let seed: Float32Array;
    if (seedGrad === undefined) {
      seed = allocFloat32(this.size).fill(1);
    } else {
      const values = seedGrad instanceof Tensor ? seedGrad.data : seedGrad;
      if (values.length !== this.size) {
        throw new Error(`backward: seed gradient has ${values.length} elements, expected ${this.size} for shape ${shapeToString(this.shape)}`);
      }
      seed = Float32Array.from(values);
    }
    // 1. Order the graph so every tensor comes after all the tensors it was computed from
    //    (iterative depth-first search: deep graphs must not overflow the call stack).
    const order: Tensor[] = [];
    const visited = new Set<Tensor>();
    const stack: Array<[Tensor, number]> = [[this, 0]];
    visited.add(this);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, next] = top;
      if (next < node.inputs.length) {
        top[1]++;
        const input = node.inputs[next];
        if (input.requiresGrad && !visited.has(input)) {
          visited.add(input);
          stack.push([input, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
    // 2. Clear the gradients of the intermediate (op-made) tensors left by an earlier backward():
    //    they must hold this pass's gradient only, or it would be pushed to the leaves twice.
    //    Leaves keep accumulating across calls.
    for (const node of order) if (node.backwardFn !== null) node.grad = null;
    // 3. Seed d(this)/d(this), then 4. run each recorded backward from the output towards the leaves;
    //    by then every consumer of a tensor has already added its share to that tensor's grad.
    accumulateGrad(this, seed, true);
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i];
      if (node.backwardFn === null || node.grad === null) continue;
      // Unless it was asked for, the gradient is handed to the closure: nothing reads it afterwards,
      // so an input's gradient may be computed in it (ReLU's mask) or take it over (add's identity).
      const dout = node.grad.data;
      node.backwardFn(dout, !node.keepsGrad);
      // 5. That gradient has been passed on: unless it was asked for, or an input's gradient now
      //    lives in it, its storage goes back for the next allocations.
      if (!node.keepsGrad) {
        node.grad = null;
        if (!node.inputs.some((t) => t.grad !== null && t.grad.data === dout)) releaseFloat32([dout]);
      }
    }
  }

  /** The same data, cut from the graph (no gradient flows through it). Shares storage. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor of shape ${shapeToString(this.shape)} has ${this.size} elements, expected 1`);
    return this.data[0];
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return this.data[offset];
      const stride = shapeSize(this.shape.slice(axis + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** A copy with its own storage, outside the graph, keeping `requiresGrad`. */
  clone(): Tensor {
    return new Tensor(Float32Array.from(this.data), this.shape, this.requiresGrad);
  }

  toString(): string {
    return `Tensor(shape=${shapeToString(this.shape)}, op=${this.op || 'leaf'})`;
  }
}

/**
 * Add `g` (d(loss)/d(t), laid out like t) into `t.grad`. With `owned`, the caller hands over a fresh
 * buffer that may become the gradient's storage (and go back to storage.ts for reuse once backward()
 * has passed it on, or after a training step: the op must not keep it); otherwise it is copied,
 * since the same buffer may be handed to other tensors too (identity gradients of add, reshape, ...).
 */
export function accumulateGrad(t: Tensor, g: Float32Array, owned: boolean): void {
  if (!t.requiresGrad) return;
  if (t.grad === null) {
    let data = g;
    if (!owned) {
      data = allocFloat32(g.length);
      data.set(g);
    }
    t.grad = new Tensor(data, t.shape);
    return;
  }
  // A second consumer's share (a residual block's input: its conv path's and its shortcut's):
  // acc += g, on SIMD in the fast table (kernels/elementwise-simd.ts's sumSimd).
  const acc = t.grad.data;
  elementwiseKernels().sumForward(acc, [acc, g]);
}

/**
 * accumulateGrad for a buffer the op allocated for this gradient alone and reads no more (a conv's
 * or a batch norm's dx): it becomes t's gradient, or, when added into one t already has (a second
 * consumer's share, as a residual block's input gets), goes back to storage.ts at once rather than
 * to the garbage collector: 2 of the 16 activation-sized buffers a ResNet step allocated were lost so.
 */
export function accumulateFreshGrad(t: Tensor, g: Float32Array): void {
  const summed = t.grad !== null;
  accumulateGrad(t, g, true);
  if (summed) releaseFloat32([g]);
}

/** Throw unless `t` has exactly `shape`; the error names the op. */
export function assertShape(op: string, t: Tensor, shape: Shape, what = 'input'): void {
  if (!shapesEqual(t.shape, shape)) {
    throw new Error(`${op}: ${what} has shape ${shapeToString(t.shape)}, expected ${shapeToString(shape)}`);
  }
}
