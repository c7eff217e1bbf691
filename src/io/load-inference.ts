/**
 * tatami/infer's `loadModel(source)`: a model in the TensorFlow.js Layers format → an InferenceModel
 * (load and predict, nothing of training), with the core layers unless given others
 * (inference-layers.ts; read-layers-model.ts has the steps).
 */
import { InferenceModel } from '../models/inference-model.js';
import { readLayersModel, type ReadOptions } from './read-layers-model.js';
import { coreLayers, importFor, inertFitOptions } from './inference-layers.js';
import type { LayerBuilders } from './layer-from-config.js';
import type { ModelKit } from './build-model.js';
import type { ModelSource } from './sources.js';
import { installKernels, type KernelTables } from '../kernel-table.js';

export interface InferLoadOptions extends ReadOptions {
  /**
   * The layer classes to build, by Keras class name (default: the core set, see inference-layers.ts).
   * 'tatami/infer/layers' has `modernCnnLayers` (the core and BatchNormalization, DepthwiseConv2D,
   * ZeroPadding2D, the global pools, the merges, nested models) and `allLayers` (every class tatami supports).
   */
  layers?: LayerBuilders;
  /**
   * The kernels to predict with (default: plain JS on any engine, with no WebAssembly: im2col + the
   * cache-blocked JS GEMM for every convolution and Dense, the JS max-pool, plain loops elsewhere).
   * 'tatami/infer/kernels' has `fastKernels`: every WebAssembly SIMD kernel (the SIMD GEMM, Winograd,
   * the direct SIMD convolutions, the SIMD max-pool, batch norm, depthwise, ReLU and elementwise
   * passes), as 'tatami' runs them. The choice is the process's (every model predicts with it from
   * then on); in a process that also imports 'tatami', whose kernels train, it changes nothing.
   */
  kernels?: KernelTables;
}

/**
 * Load a model for inference: a folder path or model.json path (Node), a URL (fetch), or
 * `{ modelJson, weights }`. With `fastKernels` its predictions are the full engine's, bit for bit;
 * with the default kernels they are bit for bit what the full engine gives on tatami/infer's default
 * tables (kernel-tables/inference.ts), and differ from 'tatami''s by rounding (the JS GEMM sums in
 * float64 and rounds once per block, the SIMD kernels sum in float32).
 */
export async function loadModel(source: ModelSource, options: InferLoadOptions = {}): Promise<InferenceModel> {
  if (options.kernels !== undefined) installKernels(options.kernels);
  const kit: ModelKit<InferenceModel> = {
    // A class outside the set given is refused naming the set that brings it.
    layers: { builders: options.layers ?? coreLayers, fitOptions: inertFitOptions, elsewhere: importFor },
    functional: (args) => new InferenceModel(args),
    chain: (items, name) => InferenceModel.chain(items, name),
  };
  return (await readLayersModel(source, options, kit)).model;
}
