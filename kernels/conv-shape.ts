// Shape arithmetic for 2-D convolution and pooling, shared by every kernel in this folder.
//
// Shape legend for kernels/ (all tensors are row-major, channels last):
//   N       batch size
//   H, W    input height and width
//   C / CI  input channels (C for pooling, CI for convolution)
//   KH, KW  convolution kernel height and width (PH, PW for a pooling window)
//   CO      output channels (filters)
//   OH, OW  output height and width
//   x [N, H, W, CI]   w [KH, KW, CI, CO] (HWIO)   y [N, OH, OW, CO]
//
// Output size, TensorFlow/Keras rules (effective kernel size KE = (K − 1)·d + 1):
//   'valid': OH = floor((H − KE) / s) + 1          (no padding)
//   'same' : OH = ceil(H / s)
//            padTotal = max((OH − 1)·s + KE − H, 0)
//            padTop   = floor(padTotal / 2)          (the odd extra row goes to the bottom/right)
// With these rules every window overlaps at least one real input cell, which the pooling
// kernels rely on (a window's count of real cells is never 0).

/** 'valid' = no padding; 'same' = pad so that OH = ceil(H / stride), as TensorFlow does. */
export type Padding = 'valid' | 'same';

/** Every size a convolution kernel needs, computed once by {@link conv2dShape}. */
export interface Conv2dShape {
  readonly N: number; readonly H: number; readonly W: number; readonly CI: number;
  readonly KH: number; readonly KW: number; readonly CO: number;
  readonly strideH: number; readonly strideW: number;
  readonly dilationH: number; readonly dilationW: number;
  readonly padTop: number; readonly padLeft: number;
  readonly OH: number; readonly OW: number;
}

/** Every size a pooling kernel needs, computed once by {@link pool2dShape}. */
export interface Pool2dShape {
  readonly N: number; readonly H: number; readonly W: number; readonly C: number;
  readonly PH: number; readonly PW: number; readonly strideH: number; readonly strideW: number;
  readonly padTop: number; readonly padLeft: number; readonly OH: number; readonly OW: number;
}

/** Throws unless every named value is a positive integer. `who` prefixes the message. */
function requirePositiveIntegers(who: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`${who}: ${name} must be a positive integer, got ${v}`);
    }
  }
}

/**
 * Output size and leading padding along one axis.
 * `input` = H or W, `k` = kernel size, `stride`, `dilation`; returns [out, padBefore].
 */
function axis(input: number, k: number, stride: number, dilation: number, padding: Padding): [number, number] {
  const kEff = (k - 1) * dilation + 1; // the span one window covers on the input
  if (padding === 'valid') {
    return [Math.floor((input - kEff) / stride) + 1, 0];
  }
  const out = Math.ceil(input / stride);
  const padTotal = Math.max((out - 1) * stride + kEff - input, 0);
  return [out, Math.floor(padTotal / 2)]; // floor: the extra cell goes after (bottom/right), as TF
}

function requirePadding(who: string, padding: Padding): void {
  if (padding !== 'valid' && padding !== 'same') {
    throw new Error(`${who}: padding must be 'valid' or 'same', got '${String(padding)}'`);
  }
}

/** Sizes of a 2-D convolution: x [N,H,W,CI], w [KH,KW,CI,CO] → y [N,OH,OW,CO]. */
export function conv2dShape(
  N: number, H: number, W: number, CI: number, KH: number, KW: number, CO: number,
  strides: readonly [number, number], dilation: readonly [number, number], padding: Padding,
): Conv2dShape {
  const [strideH, strideW] = strides;
  const [dilationH, dilationW] = dilation;
  requirePositiveIntegers('conv2d', { N, H, W, CI, KH, KW, CO, strideH, strideW, dilationH, dilationW });
  requirePadding('conv2d', padding);
  const [OH, padTop] = axis(H, KH, strideH, dilationH, padding);
  const [OW, padLeft] = axis(W, KW, strideW, dilationW, padding);
  if (OH < 1 || OW < 1) {
    const dil = dilationH === dilationW ? `${dilationH}` : `${dilationH}x${dilationW}`;
    throw new Error(
      `conv2d: kernel ${KH}x${KW} (dilation ${dil}) is larger than input ${H}x${W} with padding '${padding}'`);
  }
  return { N, H, W, CI, KH, KW, CO, strideH, strideW, dilationH, dilationW, padTop, padLeft, OH, OW };
}

/** Sizes of a 2-D pooling: x [N,H,W,C], window PH×PW → y [N,OH,OW,C]. */
export function pool2dShape(
  N: number, H: number, W: number, C: number, PH: number, PW: number,
  strides: readonly [number, number], padding: Padding,
): Pool2dShape {
  const [strideH, strideW] = strides;
  requirePositiveIntegers('pool2d', { N, H, W, C, PH, PW, strideH, strideW });
  requirePadding('pool2d', padding);
  const [OH, padTop] = axis(H, PH, strideH, 1, padding);
  const [OW, padLeft] = axis(W, PW, strideW, 1, padding);
  if (OH < 1 || OW < 1) {
    throw new Error(`pool2d: window ${PH}x${PW} is larger than input ${H}x${W} with padding '${padding}'`);
  }
  return { N, H, W, C, PH, PW, strideH, strideW, padTop, padLeft, OH, OW };
}
