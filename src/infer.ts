/**
 * tatami/infer: the inference-only entry, for embedding a trained classifier in a browser page, an
 * extension, an edge function or a CLI. `loadModel` from a URL or from artifacts in memory (a folder
 * path too, in Node), then `model.predict(x)`. No Node imports, and nothing of training: no
 * optimizer, loss, fit, backward or reference kernels. The layers of a plain CNN classifier are known by
 * default; 'tatami/infer/layers' has the others (`modernCnnLayers` for ResNets, MobileNets and
 * Teachable Machine's image models, `allLayers`). Its default kernels are plain JS (im2col + the
 * blocked JS GEMM for every convolution); 'tatami/infer/kernels' has `fastKernels` (every
 * WebAssembly SIMD kernel: the SIMD GEMM, Winograd, the direct SIMD convolution, SIMD max-pool, ReLU
 * and elementwise passes), as 'tatami' runs them.
 *
 *   import { loadModel, tensor } from 'tatami/infer';
 *   const model = await loadModel('https://example.com/mnist/model.json');
 *   const probs = model.predict(tensor(pixels, [1, 28, 28, 1]));
 */
export { loadModel, type InferLoadOptions, type InferLoadOptions as LoadOptions } from './io/load-inference.js';
export { type ModelSource } from './io/sources.js';
export { type ModelArtifacts, type ModelJson } from './io/artifacts.js';
export { InferenceModel } from './models/inference-model.js';
export { type PredictOptions } from './models/predict.js';
export { Tensor, type NestedArray } from './tensor.js';
export { tensor } from './creation.js';
export { type Shape } from './shape.js';
