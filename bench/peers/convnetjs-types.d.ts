// The little of ConvNetJS 0.3.0 (CommonJS, untyped) that the benchmarks use.
// A Vol is one example: sx (width) × sy (height) × depth, stored as w[((sx·y) + x)·depth + d]
// (height, width, channels: the NHWC layout of one image), with its gradient in dw. Float64Array.
declare module 'convnetjs' {
  export class Vol {
    constructor(sx: number, sy: number, depth: number, c?: number);
    sx: number;
    sy: number;
    depth: number;
    w: Float64Array;
    dw: Float64Array;
  }
  export interface ConvLayerOptions {
    in_sx: number; in_sy: number; in_depth: number; sx: number; sy?: number; filters: number;
    stride?: number; pad?: number;
  }
  export class ConvLayer {
    constructor(opt: ConvLayerOptions);
    filters: Vol[];
    biases: Vol;
    in_act: Vol;
    out_act: Vol;
    forward(V: Vol, isTraining?: boolean): Vol;
    /** Gradient w.r.t. the input (V.dw, freshly allocated) and accumulates the filters' dw, from out_act.dw. */
    backward(): void;
  }
  export class PoolLayer {
    constructor(opt: { in_sx: number; in_sy: number; in_depth: number; sx: number; sy?: number; stride?: number; pad?: number });
    in_act: Vol;
    out_act: Vol;
    forward(V: Vol, isTraining?: boolean): Vol;
    backward(): void;
  }
  export interface Layer {
    layer_type: string;
    filters?: Vol[];
    biases?: Vol;
  }
  export class Net {
    layers: Layer[];
    makeLayers(defs: Record<string, unknown>[]): void;
    forward(V: Vol, isTraining?: boolean): Vol;
  }
  export class Trainer {
    constructor(net: Net, options: Record<string, unknown>);
    /** One example: forward, backward (loss returned), and an update every batch_size calls. */
    train(x: Vol, y: number): { loss: number; cost_loss: number };
  }
}
