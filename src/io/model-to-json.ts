/**
 * A tatami model → tfjs Layers-format artifacts, as TensorFlow.js 4.22 writes them:
 *
 *   { format: 'layers-model', generatedBy: 'tatami 0.1.0', convertedBy: null,
 *     modelTopology: { class_name: 'Sequential' | 'Model', config: { name, layers: [...] },
 *                      keras_version: 'tatami 0.1.0', backend: 'tensor_flow.js' },
 *     weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'conv2d/kernel', shape, dtype: 'float32' }, ...] }] }
 *
 * Sequential models carry the input shape as the first layer's `batch_input_shape` (tfjs's form);
 * functional models list their InputLayers, `input_layers` and `output_layers`, and each layer's
 * calls in `inbound_nodes` (Keras 2's form: one list of [layer, node, tensor, kwargs] per call, the
 * kwargs {} or { training: false }; a shared layer has several).
 * weights.bin is every weight in manifest order, little-endian float32, no header.
 * keras_version is '3.0 (tatami 0.1.0)' instead when a layer means what only a Keras 3 file says
 * (Keras 3's hard_sigmoid, an activity penalty not divided by the batch size): see keras-flavor.ts.
 */
import type { Model } from '../models/model.js';
import type { InferenceModel } from '../models/inference-model.js';
import { InputLayer } from '../layers/input.js';
import type { Layer, SymbolicTensor } from '../layers/layer.js';
import { Reshape } from '../layers/reshape.js';
import { NestedModel } from '../models/nested-model.js';
import { encodeFloat32 } from './decode-weights.js';
import { encodeTrainingState } from './optimizer-state.js';
import type { ModelJson, SavedArtifacts, WeightsGroup } from './artifacts.js';
import { TATAMI_VERSION } from './version.js';
import { fileLayerConfig, savedKerasMajor, savedKerasVersion } from './keras-flavor.js';

export interface SaveOptions {
  /** Also save the optimizer state (and loss, metrics) so training can resume (default false). */
  includeOptimizer?: boolean;
  /** Epochs completed, recorded with the optimizer state for resuming (modelCheckpoint sets it). */
  epoch?: number;
}

/** The model's topology in Keras JSON. */
export function modelTopology(model: InferenceModel): Record<string, unknown> {
  const functional = model.layers[0] instanceof InputLayer;
  // The model's own calls of each layer (a layer may also be called outside it), numbered from 0 as
  // Keras numbers them in a file.
  const inModel = new Set<SymbolicTensor>([...model.inputs, ...model.connections().map((c) => c.node)]);
  const calls = (layer: Layer): SymbolicTensor[] => layer.nodes.filter((n) => inModel.has(n));
  // A nested model's calls are numbered from 1 (node 0 is its own, from its inputs to its outputs),
  // as Keras and tfjs number them.
  const ref = (t: SymbolicTensor): [string, number, number] => [t.layer.name, calls(t.layer).indexOf(t) + (t.layer instanceof NestedModel ? 1 : 0), 0];
  const major = savedKerasMajor(everyLayer(model), `save '${model.name}'`);
  const layers = model.layers.map((layer, i) => {
    const config = fileLayerConfig(layer instanceof NestedModel ? nestedConfig(layer) : layer.getConfig());
    // tfjs 4.22 leaves a -1 of Reshape unresolved ([null, 2, null]), which breaks the layer after it;
    // the resolved sizes mean the same for this model's fixed input shape.
    if (layer instanceof Reshape) config.target_shape = calls(layer)[0].shape.slice(1);
    // A nested model's input shape is in its own InputLayer, as tfjs writes Teachable Machine models.
    const first = i === 0 && !(layer instanceof NestedModel);
    if (!functional) return { class_name: layer.className, config: first ? { ...config, batch_input_shape: [...model.inputShape] } : config };
    // A call pinned to a mode (base(x, training=False)) keeps its kwargs, as Keras 2 writes them.
    const inbound = layer instanceof InputLayer ? [] : calls(layer).map((n) => n.inputs.map((t) => [...ref(t), { ...n.callArgs }]));
    return { name: layer.name, class_name: layer.className, config, inbound_nodes: inbound };
  });
  const config: Record<string, unknown> = { name: model.name, layers };
  if (functional) {
    config.input_layers = model.inputs.map(ref);
    config.output_layers = model.outputs.map(ref);
  }
  return { class_name: functional ? 'Model' : 'Sequential', config, keras_version: savedKerasVersion(major, TATAMI_VERSION), backend: 'tensor_flow.js' };
}

/** The model's layers and, inside each nested model, its layers. */
function everyLayer(model: InferenceModel): Layer[] {
  return model.layers.flatMap((l) => (l instanceof NestedModel ? [l, ...everyLayer(l.model)] : [l]));
}

/** A nested model's Keras config (its name, layers, inputs, outputs), as files nest it; `trainable` only when frozen. */
function nestedConfig(layer: NestedModel): Record<string, unknown> {
  const { config } = modelTopology(layer.model) as { config: Record<string, unknown> };
  return layer.trainable ? config : { ...config, trainable: false };
}

/** model.json and the bytes of weights.bin (and optimizer.bin with includeOptimizer). */
export function modelToArtifacts(model: Model, options: SaveOptions = {}): SavedArtifacts {
  model.ensureInitialized();
  const weights: WeightsGroup['weights'] = [];
  const values: Float32Array[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      // A nested model's weights are its layers' weights, named as inside it (conv1/kernel), as tfjs does.
      weights.push({ name: layer instanceof NestedModel ? w.name : `${layer.name}/${w.name}`, shape: [...w.value.shape], dtype: 'float32' });
      values.push(w.value.data);
    }
  }
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: `tatami ${TATAMI_VERSION}`,
    convertedBy: null,
    modelTopology: modelTopology(model),
    weightsManifest: [{ paths: ['weights.bin'], weights }],
  };
  const artifacts: SavedArtifacts = { modelJson, weights: encodeFloat32(values).buffer as ArrayBuffer };
  if (options.includeOptimizer === true) {
    const state = encodeTrainingState(model, options.epoch);
    modelJson.tatamiTraining = state.json;
    artifacts.optimizerWeights = encodeFloat32(state.values).buffer as ArrayBuffer;
  }
  return artifacts;
}
