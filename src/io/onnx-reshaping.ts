/**
 * The layers that move, cut, repeat or resample values, in ONNX:
 *
 *   ZeroPadding2D, Cropping2D, CenterCrop   Pad / Slice on the height and width axes of the layout at hand
 *   UpSampling2D, Resizing                  Resize with half-pixel centers (TensorFlow 2's tf.image.resize):
 *                                           'bilinear' → mode linear; 'nearest' → mode nearest rounding
 *                                           half up, since ⌊(o + ½)·S/OS⌋ = round_prefer_ceil((o + ½)·S/OS − ½)
 *   GlobalMaxPooling2D                      GlobalMaxPool (channels first), then Flatten unless keepdims
 *   Permute, RepeatVector                   Transpose; Reshape to [N, 1, F] and Tile n times
 *   Rescaling                               Mul and Add (per channel: over tatami's last axis)
 */
import type { Sides2 } from '../ops/pad2d.js';
import type { ZeroPadding2D, Cropping2D } from '../layers/padding2d.js';
import type { UpSampling2D } from '../layers/up-sampling2d.js';
import { aspectCrop, type Resizing, type CenterCrop } from '../layers/resizing.js';
import type { GlobalMaxPooling2D } from '../layers/global-max-pooling2d.js';
import type { Permute, RepeatVector } from '../layers/permute-repeat.js';
import type { Rescaling } from '../layers/rescaling.js';
import type { SymbolicShape } from '../layers/layer.js';
import type { OnnxGraphBuilder, OnnxValue } from './onnx-graph.js';
import type { OnnxAttribute } from './onnx-proto.js';
import { spatial, type OnnxConverter } from './onnx-convert.js';

/** The height and width axes of v in the graph's layout. */
const hwAxes = (v: OnnxValue): [number, number] => (v.channelsFirst ? [2, 3] : [1, 2]);

/** v (of tatami shape [N, H, W, C]) without `cut` rows and columns at its sides, in v's layout. */
function crop(g: OnnxGraphBuilder, v: OnnxValue, H: number, W: number, cut: Sides2, base: string, shape: SymbolicShape): OnnxValue {
  const [[top, bottom], [left, right]] = cut;
  const inputs = [
    v.name, g.int64Constant(`${base}/starts`, [top, left]), g.int64Constant(`${base}/ends`, [H - bottom, W - right]), g.int64Constant(`${base}/axes`, hwAxes(v)),
  ];
  return { name: g.op('Slice', inputs, base), shape, channelsFirst: v.channelsFirst };
}

/** v resized to OH×OW as tf.image.resize (half-pixel centers); the batch and channels keep their run-time sizes. */
function resize(g: OnnxGraphBuilder, v: OnnxValue, OH: number, OW: number, interpolation: 'nearest' | 'bilinear', base: string, shape: SymbolicShape): OnnxValue {
  const x = g.channelsFirst(v);
  // sizes = [N, C, OH, OW], with N (and C) read from x at run time: the batch axis is dynamic.
  const nc = g.op('Slice', [g.op('Shape', [x.name], `${base}/shape`), g.int64Constant(`${base}/zero`, [0]), g.int64Constant(`${base}/two`, [2])], `${base}/nc`);
  const sizes = g.op('Concat', [nc, g.int64Constant(`${base}/hw`, [OH, OW])], `${base}/sizes`, { axis: 0 });
  const attributes: Record<string, OnnxAttribute> = interpolation === 'bilinear'
    ? { mode: { string: 'linear' }, coordinate_transformation_mode: { string: 'half_pixel' } }
    : { mode: { string: 'nearest' }, coordinate_transformation_mode: { string: 'half_pixel' }, nearest_mode: { string: 'round_prefer_ceil' } };
  return { name: g.op('Resize', [x.name, '', '', sizes], base, attributes), shape, channelsFirst: true };
}

const zeroPadding2d: OnnxConverter = (g, layer, [x], shape) => {
  const [[top, bottom], [left, right]] = (layer as ZeroPadding2D).padding;
  const begin = [0, 0, 0, 0];
  const end = [0, 0, 0, 0];
  const [h, w] = hwAxes(x);
  [begin[h], begin[w], end[h], end[w]] = [top, left, bottom, right];
  return { name: g.op('Pad', [x.name, g.int64Constant(`${layer.name}/pads`, [...begin, ...end])], layer.name), shape, channelsFirst: x.channelsFirst };
};

const cropping2d: OnnxConverter = (g, layer, [x], shape) => {
  const [H, W] = spatial(layer, x.shape);
  return crop(g, x, H, W, (layer as Cropping2D).cropping, layer.name, shape);
};

const centerCrop: OnnxConverter = (g, layer, [x], shape) => {
  const { height, width } = layer as CenterCrop;
  const [H, W] = spatial(layer, x.shape);
  if (H < height || W < width) {
    // Smaller than the target: Keras crops to the target's aspect ratio and resizes (bilinear).
    const cut = aspectCrop(H, W, height, width);
    const cropped = crop(g, x, H, W, cut, `${layer.name}/crop`, [x.shape[0], H - cut[0][0] - cut[0][1], W - cut[1][0] - cut[1][1], x.shape[3]]);
    return resize(g, cropped, height, width, 'bilinear', layer.name, shape);
  }
  const top = Math.floor((H - height) / 2);
  const left = Math.floor((W - width) / 2);
  return crop(g, x, H, W, [[top, H - height - top], [left, W - width - left]], layer.name, shape);
};

const upSampling2d: OnnxConverter = (g, layer, [x], shape) => {
  const { size: [sy, sx], interpolation } = layer as UpSampling2D;
  const [H, W] = spatial(layer, x.shape);
  return resize(g, x, H * sy, W * sx, interpolation, layer.name, shape);
};

const resizing: OnnxConverter = (g, layer, [x], shape) => {
  const { height, width, interpolation, cropToAspectRatio } = layer as Resizing;
  const [H, W] = spatial(layer, x.shape);
  if (!cropToAspectRatio) return resize(g, x, height, width, interpolation, layer.name, shape);
  const cut = aspectCrop(H, W, height, width);
  const cropped = crop(g, x, H, W, cut, `${layer.name}/crop`, [x.shape[0], H - cut[0][0] - cut[0][1], W - cut[1][0] - cut[1][1], x.shape[3]]);
  return resize(g, cropped, height, width, interpolation, layer.name, shape);
};

const globalMaxPooling2d: OnnxConverter = (g, layer, [input], shape) => {
  spatial(layer, input.shape);
  const pooled = g.op('GlobalMaxPool', [g.channelsFirst(input).name], `${layer.name}/pool`); // [N, C, 1, 1]
  if ((layer as GlobalMaxPooling2D).keepdims) return { name: pooled, shape, channelsFirst: true };
  return { name: g.op('Flatten', [pooled], layer.name, { axis: 1 }), shape, channelsFirst: false };
};

const permute: OnnxConverter = (g, layer, [x], shape) =>
  ({ name: g.op('Transpose', [g.channelsLast(x).name], layer.name, { perm: [0, ...(layer as Permute).dims] }), shape, channelsFirst: false });

const repeatVector: OnnxConverter = (g, layer, [x], shape) => {
  const column = g.op('Reshape', [x.name, g.int64Constant(`${layer.name}/shape`, [0, 1, -1])], `${layer.name}/column`); // [N, 1, F]
  return { name: g.op('Tile', [column, g.int64Constant(`${layer.name}/repeats`, [1, (layer as RepeatVector).n, 1])], layer.name), shape, channelsFirst: false };
};

const rescaling: OnnxConverter = (g, layer, [input], shape) => {
  const { scale, offset } = layer as Rescaling;
  const perChannel = [scale, offset].some((v) => typeof v !== 'number' && v.length > 1);
  // A scalar broadcasts over any layout; one value per channel needs the channels last, as tatami.
  const x = perChannel ? g.channelsLast(input) : input;
  const operand = (what: string, v: number | readonly number[]): string =>
    typeof v === 'number' ? g.scalar(`${layer.name}/${what}`, v) : g.constant(`${layer.name}/${what}`, [v.length], Float32Array.from(v));
  const scaled = g.op('Mul', [x.name, operand('scale', scale)], `${layer.name}/scaled`);
  return { name: g.op('Add', [scaled, operand('offset', offset)], layer.name), shape, channelsFirst: x.channelsFirst };
};

/** The reshaping layers' converters, by class name. */
export const RESHAPING_CONVERTERS: Readonly<Record<string, OnnxConverter>> = {
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  CenterCrop: centerCrop,
  UpSampling2D: upSampling2d,
  Resizing: resizing,
  GlobalMaxPooling2D: globalMaxPooling2d,
  Permute: permute,
  RepeatVector: repeatVector,
  Rescaling: rescaling,
};
