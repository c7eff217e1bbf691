/**
 * A small graph recorder for writing model files by hand: each layer call is recorded with its
 * Keras class, its config in the neutral (Keras 2) spelling, its inputs and the call arguments the
 * file should carry; the output shape and the weights of every layer are worked out here, by the
 * Keras rules written below, so a flavor (flavors.ts) can emit the topology and the manifest of any
 * Keras, tfjs or converter generation. Nothing here imports tatami: the corpus is the test's input.
 */

export type Shape = number[]; // one sample, no batch axis
export interface Ref { readonly layer: string; readonly node: number; readonly shape: Shape }
/** A weight: its Keras 2 name (path inside its model) and, where Keras 3 names it otherwise, that name. */
export interface Weight { readonly name: string; readonly shape: Shape; readonly keras3?: string }

export interface LayerRec {
  readonly cls: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** One entry per call: the tensors it took, and its call arguments (e.g. { training: false }). */
  readonly calls: { inputs: Ref[]; kwargs: Record<string, unknown> }[];
  /** The weights (names relative to the layer), from its first call's input shape. */
  weights: Weight[];
  /** The input shape of its first call (Keras 3's build_config). */
  inputShape: Shape[];
  /** A nested model's own graph. */
  readonly inner?: Net;
}

const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
const pair = (v: unknown, fallback: [number, number]): [number, number] => (v === undefined ? fallback : typeof v === 'number' ? [v, v] : (v as [number, number]));
/** TF's output size: 'same' → ceil(n / s); 'valid' → ceil((n − (k − 1)·d) / s). */
const outSize = (n: number, k: number, s: number, pad: unknown, d = 1): number => (pad === 'same' ? Math.ceil(n / s) : Math.ceil((n - (k - 1) * d) / s));

/** Output shape and weights of one call of a plain layer, by Keras's rules. */
function infer(cls: string, c: Record<string, unknown>, ins: Shape[]): { out: Shape; weights: Weight[] } {
  const x = ins[0];
  const ch = x[x.length - 1];
  const bias = (n: number): Weight[] => (c.use_bias === false ? [] : [{ name: 'bias', shape: [n] }]);
  const window = (): Shape => {
    const [kh, kw] = pair(c.kernel_size ?? c.pool_size, [2, 2]);
    const [sh, sw] = pair(c.strides ?? c.kernel_size ?? c.pool_size, [2, 2]);
    const [dh, dw] = pair(c.dilation_rate, [1, 1]);
    return [outSize(x[0], kh, sh, c.padding, dh), outSize(x[1], kw, sw, c.padding, dw)];
  };
  switch (cls) {
    case 'Conv2D': {
      const k = pair(c.kernel_size, [1, 1]);
      return { out: [...window(), c.filters as number], weights: [{ name: 'kernel', shape: [...k, ch, c.filters as number] }, ...bias(c.filters as number)] };
    }
    case 'DepthwiseConv2D': {
      const m = (c.depth_multiplier as number | undefined) ?? 1;
      // Keras 3 calls DepthwiseConv2D's kernel 'kernel' (SeparableConv2D's stays 'depthwise_kernel').
      return { out: [...window(), ch * m], weights: [{ name: 'depthwise_kernel', keras3: 'kernel', shape: [...pair(c.kernel_size, [1, 1]), ch, m] }, ...bias(ch * m)] };
    }
    case 'SeparableConv2D': {
      const m = (c.depth_multiplier as number | undefined) ?? 1;
      const f = c.filters as number;
      return { out: [...window(), f], weights: [{ name: 'depthwise_kernel', shape: [...pair(c.kernel_size, [1, 1]), ch, m] }, { name: 'pointwise_kernel', shape: [1, 1, ch * m, f] }, ...bias(f)] };
    }
    case 'Conv2DTranspose': {
      const [kh, kw] = pair(c.kernel_size, [1, 1]);
      const [sh, sw] = pair(c.strides, [1, 1]);
      const size = (n: number, k: number, s: number): number => (c.padding === 'same' ? n * s : n * s + Math.max(k - s, 0));
      const f = c.filters as number;
      return { out: [size(x[0], kh, sh), size(x[1], kw, sw), f], weights: [{ name: 'kernel', shape: [kh, kw, f, ch] }, ...bias(f)] };
    }
    case 'Conv1D': {
      const k = c.kernel_size as number[];
      const f = c.filters as number;
      return { out: [outSize(x[0], k[0], 1, c.padding), f], weights: [{ name: 'kernel', shape: [k[0], ch, f] }, ...bias(f)] };
    }
    case 'Dense':
      return { out: [...x.slice(0, -1), c.units as number], weights: [{ name: 'kernel', shape: [ch, c.units as number] }, ...bias(c.units as number)] };
    case 'BatchNormalization':
      return {
        out: x,
        weights: [...(c.scale === false ? [] : [{ name: 'gamma', shape: [ch] }]), ...(c.center === false ? [] : [{ name: 'beta', shape: [ch] }]), { name: 'moving_mean', shape: [ch] }, { name: 'moving_variance', shape: [ch] }],
      };
    case 'Embedding':
      return { out: [...x, c.output_dim as number], weights: [{ name: 'embeddings', shape: [c.input_dim as number, c.output_dim as number] }] };
    case 'LSTM': {
      const u = c.units as number;
      return { out: c.return_sequences === true ? [x[0], u] : [u], weights: [{ name: 'kernel', shape: [ch, 4 * u] }, { name: 'recurrent_kernel', shape: [u, 4 * u] }, { name: 'bias', shape: [4 * u] }] };
    }
    case 'MaxPooling2D': case 'AveragePooling2D':
      return { out: [...window(), ch], weights: [] };
    case 'ZeroPadding2D': {
      const p = c.padding as [[number, number], [number, number]];
      return { out: [x[0] + p[0][0] + p[0][1], x[1] + p[1][0] + p[1][1], ch], weights: [] };
    }
    case 'UpSampling2D': {
      const [a, b] = pair(c.size, [2, 2]);
      return { out: [x[0] * a, x[1] * b, ch], weights: [] };
    }
    case 'GlobalAveragePooling2D': case 'GlobalMaxPooling2D':
      return { out: [ch], weights: [] };
    case 'Flatten':
      return { out: [prod(x)], weights: [] };
    case 'Reshape':
      return { out: c.target_shape as Shape, weights: [] };
    case 'Concatenate':
      return { out: [...x.slice(0, -1), ins.reduce((n, s) => n + s[s.length - 1], 0)], weights: [] };
    default:
      // Add, Activation, ReLU, Dropout, Rescaling, the random augmentations, Lambda, TF op layers: shape kept.
      return { out: x, weights: [] };
  }
}

/** A functional graph being written: inputs, layers in the order they are added, outputs. */
export class Net {
  readonly layers: LayerRec[] = [];
  readonly inputs: Ref[] = [];
  outputs: Ref[] = [];
  /** Written as a Sequential (a chain: one input, each layer called once on the one before). */
  sequential = false;

  constructor(readonly name: string) {}

  input(name: string, shape: Shape): Ref {
    this.layers.push({ cls: 'InputLayer', name, config: {}, calls: [], weights: [], inputShape: [shape] });
    const ref = { layer: name, node: 0, shape };
    this.inputs.push(ref);
    return ref;
  }

  /** Call a layer (a new one, or the one already named `name`: shared weights) on `x`. */
  add(cls: string, name: string, config: Record<string, unknown>, x: Ref | Ref[], kwargs: Record<string, unknown> = {}): Ref {
    const ins = Array.isArray(x) ? x : [x];
    let rec = this.layers.find((l) => l.name === name);
    const { out, weights } = infer(cls, config, ins.map((r) => r.shape));
    if (rec === undefined) {
      rec = { cls, name, config, calls: [], weights, inputShape: ins.map((r) => r.shape) };
      this.layers.push(rec);
    }
    rec.calls.push({ inputs: ins, kwargs });
    return { layer: name, node: rec.calls.length - 1, shape: out };
  }

  /** Call a nested model (its inputs are its own InputLayers) on `x`, as one layer; again: shared. */
  nest(inner: Net, x: Ref, kwargs: Record<string, unknown> = {}): Ref {
    let rec = this.layers.find((l) => l.inner === inner);
    if (rec === undefined) {
      rec = { cls: inner.kind(), name: inner.name, config: {}, calls: [], weights: inner.allWeights(), inputShape: [x.shape], inner };
      this.layers.push(rec);
    }
    rec.calls.push({ inputs: [x], kwargs });
    return { layer: inner.name, node: rec.calls.length - 1, shape: inner.outputs[0].shape };
  }

  kind(): 'Sequential' | 'Model' {
    return this.sequential ? 'Sequential' : 'Model';
  }

  output(...refs: Ref[]): this {
    this.outputs = refs;
    return this;
  }

  /** Every weight under its path inside this model (`conv1/kernel`, `base/conv1/kernel`'s inner part). */
  allWeights(): Weight[] {
    return this.layers.flatMap((l) => (l.inner !== undefined ? l.weights : l.weights.map((w) => prefixed(l.name, w))));
  }
}

/** A layer's weight under the layer's name. */
export const prefixed = (layer: string, w: Weight): Weight => ({ name: `${layer}/${w.name}`, shape: w.shape, ...(w.keras3 === undefined ? {} : { keras3: `${layer}/${w.keras3}` }) });

/** A Sequential model: `layers` each take the one before; the first one takes `inputShape`. */
export function sequential(name: string, inputName: string, inputShape: Shape, build: (net: Net, x: Ref) => Ref): Net {
  const net = new Net(name);
  net.sequential = true;
  const x = net.input(inputName, inputShape);
  return net.output(build(net, x));
}

/** A functional model with one input. */
export function functional(name: string, inputName: string, inputShape: Shape, build: (net: Net, x: Ref) => Ref): Net {
  const net = new Net(name);
  const x = net.input(inputName, inputShape);
  return net.output(build(net, x));
}
