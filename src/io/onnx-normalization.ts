/**
 * The normalizations in ONNX, at inference:
 *
 *   BatchNormalization   BatchNormalization with the moving statistics, on axis 1 (channels first)
 *   LayerNormalization   the normalized axes moved last (a Transpose, as the layer does), then
 *                        from opset 17 the LayerNormalization operator over those trailing axes;
 *                        below 17 its formula, with the same two passes as kernels/layer-norm.ts:
 *                        μ = mean(x), σ² = mean((x − μ)²), y = (x − μ) / √(σ² + ε) · γ + β
 */
import type { BatchNormalization } from '../layers/batch-normalization.js';
import type { LayerNormalization } from '../layers/layer-normalization.js';
import type { OnnxGraphBuilder } from './onnx-graph.js';
import { weight, optionalWeight, type OnnxConverter } from './onnx-convert.js';

const batchNormalization: OnnxConverter = (g, layer, [input], shape) => {
  const bn = layer as BatchNormalization;
  const mean = weight(layer, 'moving_mean');
  const C = mean.length;
  // ONNX normalizes axis 1: the channels must be there (rank 2 already has them there).
  const x = input.shape.length > 2 ? g.channelsFirst(input) : input;
  const constant = (name: string, fill: number): string => g.constant(`${layer.name}/${name}`, [C], optionalWeight(layer, name) ?? new Float32Array(C).fill(fill));
  const inputs = [x.name, constant('gamma', 1), constant('beta', 0), constant('moving_mean', 0), constant('moving_variance', 1)];
  return { name: g.op('BatchNormalization', inputs, layer.name, { epsilon: { float: bn.epsilon } }), shape, channelsFirst: x.channelsFirst };
};

/** ONNX's formula of layer normalization over the trailing axes from `first` (below opset 17). */
function layerNormFormula(g: OnnxGraphBuilder, x: string, first: number, rank: number, epsilon: number, base: string): string {
  const axes = Array.from({ length: rank - first }, (_, i) => first + i);
  const mean = g.op('ReduceMean', [x], `${base}/mean`, { axes, keepdims: 1 });
  const centered = g.op('Sub', [x, mean], `${base}/centered`);
  const variance = g.op('ReduceMean', [g.op('Mul', [centered, centered], `${base}/squares`)], `${base}/variance`, { axes, keepdims: 1 });
  const std = g.op('Sqrt', [g.op('Add', [variance, g.scalar(`${base}/epsilon`, epsilon)], `${base}/variance_eps`)], `${base}/std`);
  return g.op('Div', [centered, std], `${base}/normalized`);
}

const layerNormalization: OnnxConverter = (g, layer, [input], shape) => {
  const ln = layer as LayerNormalization;
  const x = g.channelsLast(input); // the axes count in tatami's layout
  const rank = shape.length;
  const axes = ln.axesFor(input.shape).sort((a, b) => a - b);
  const k = axes.length;
  // Move the normalized axes last in increasing order: γ and β are laid out in that order.
  const perm = [...shape.keys()].filter((a) => !axes.includes(a)).concat(axes);
  const moved = perm.every((a, i) => a === i) ? x.name : g.op('Transpose', [x.name], `${layer.name}/moved`, { perm });
  const block = axes.map((a) => shape[a] as number);
  const size = block.reduce((a, b) => a * b, 1);
  const gamma = optionalWeight(layer, 'gamma');
  const beta = optionalWeight(layer, 'beta');
  let y: string;
  if (g.opset >= 17) {
    const scale = g.constant(`${layer.name}/gamma`, block, gamma ?? new Float32Array(size).fill(1));
    const inputs = [moved, scale, ...(beta === null ? [] : [g.constant(`${layer.name}/beta`, block, beta)])];
    y = g.op('LayerNormalization', inputs, `${layer.name}/norm`, { axis: rank - k, epsilon: { float: ln.epsilon } });
  } else {
    y = layerNormFormula(g, moved, rank - k, rank, ln.epsilon, layer.name);
    if (gamma !== null) y = g.op('Mul', [y, g.constant(`${layer.name}/gamma`, block, gamma)], `${layer.name}/scaled`);
    if (beta !== null) y = g.op('Add', [y, g.constant(`${layer.name}/beta`, block, beta)], `${layer.name}/shifted`);
  }
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const out = moved === x.name ? y : g.op('Transpose', [y], `${layer.name}/back`, { perm: inverse });
  return { name: out, shape, channelsFirst: false };
};

/** The normalizations' converters, by class name. */
export const NORMALIZATION_CONVERTERS: Readonly<Record<string, OnnxConverter>> = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
};
