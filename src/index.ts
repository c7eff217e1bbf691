/**
 * tatami: a convolutional-network engine in pure TypeScript.
 * Everything public is exported from here; kernels are also available as 'tatami/kernels'.
 */
export { Tensor, type NestedArray } from './tensor.js';
export { type Shape } from './shape.js';
export { tensor, zeros, ones, full, arange, randomUniform, randomNormal, type TensorOptions } from './creation.js';
export { Rng } from './rng.js';
export { noGrad, isGradEnabled } from './grad-mode.js';
export { gradCheck, type GradCheckOptions, type GradCheckResult } from './gradcheck.js';
export { getKernels, type KernelsName } from './kernel-table.js';
export { setKernels } from './reference-kernels.js';

export { add, sub, mul, div, maximum, minimum } from './ops/binary.js';
export { neg, exp, log, sqrt, square, pow, abs, clip, relu, leakyRelu, elu, sigmoid, tanh } from './ops/unary.js';
export { reluGeneral, relu6, softplus, softsign, selu, silu, gelu, hardSigmoid, hardSilu, type ReluOptions } from './ops/unary.js';
export { ACTIVATION_NAMES } from './activations.js';
export { sum, mean, max, type Axes } from './ops/reduce.js';
export { reshape, flatten, transpose, concat, slice } from './ops/shape-ops.js';
export { matmul } from './ops/matmul.js';
export { gather } from './ops/gather.js';
export { softmax, logSoftmax } from './ops/softmax.js';
// For writing your own op: Tensor.fromOp records it, accumulateGrad adds its input gradients.
export { accumulateGrad } from './tensor.js';
export { conv2d, type Conv2dOptions, type Size2 } from './ops/conv2d.js';
export { depthwiseConv2d, type DepthwiseConv2dOptions } from './ops/depthwise-conv2d.js';
export { conv2dTranspose, type Conv2dTransposeOptions } from './ops/conv2d-transpose.js';
export { conv1d, type Conv1dOptions, type Conv1dPadding } from './ops/conv1d.js';
export { maxPool2d, avgPool2d, type Pool2dOptions } from './ops/pool2d.js';
export { zeroPad2d, crop2d, type Sides2 } from './ops/pad2d.js';
export { resize2d, type ResizeInterpolation } from './ops/resize2d.js';
export { layerNorm } from './ops/layer-norm.js';
export { affineTransform, type AffineTransformOptions, type FillMode, type AffineInterpolation } from './ops/affine-transform.js';
export { addN, averageN, multiplyN, maximumN, minimumN } from './ops/merge.js';

export { Layer, SymbolicTensor, callRng, type LayerArgs, type LayerWeight, type SymbolicShape, type CallContext } from './layers/layer.js';
export { Input, input, InputLayer, type InputArgs } from './layers/input.js';
export { Conv2D, type Conv2DArgs } from './layers/conv2d.js';
export { DepthwiseConv2D, type DepthwiseConv2DArgs } from './layers/depthwise-conv2d.js';
export { SeparableConv2D, type SeparableConv2DArgs } from './layers/separable-conv2d.js';
export { Conv2DTranspose, type Conv2DTransposeArgs } from './layers/conv2d-transpose.js';
export { Conv1D, type Conv1DArgs } from './layers/conv1d.js';
export { MaxPooling2D, MaxPool2D, AveragePooling2D, AvgPool2D, GlobalAveragePooling2D, type Pooling2DArgs } from './layers/pooling.js';
export { Dense, type DenseArgs } from './layers/dense.js';
export { Flatten } from './layers/flatten.js';
export { Reshape, type ReshapeArgs } from './layers/reshape.js';
export { Dropout, type DropoutArgs } from './layers/dropout.js';
export { Activation, type ActivationArgs } from './layers/activation.js';
export { Embedding, type EmbeddingArgs } from './layers/embedding.js';
export { BatchNormalization, type BatchNormalizationArgs } from './layers/batch-normalization.js';
export { ZeroPadding2D, Cropping2D, type ZeroPadding2DArgs, type Cropping2DArgs, type SidesSpec } from './layers/padding2d.js';
export { ReLU, LeakyReLU, ELU, Softmax, type ReLUArgs, type LeakyReLUArgs, type ELUArgs, type SoftmaxArgs } from './layers/advanced-activations.js';
export { PReLU, type PReLUArgs } from './layers/prelu.js';
export { Rescaling, type RescalingArgs } from './layers/rescaling.js';
export { UpSampling2D, type UpSampling2DArgs } from './layers/up-sampling2d.js';
export { Resizing, CenterCrop, type ResizingArgs, type CenterCropArgs } from './layers/resizing.js';
export { GlobalMaxPooling2D, GlobalMaxPool2D, type GlobalMaxPooling2DArgs } from './layers/global-max-pooling2d.js';
export { LayerNormalization, type LayerNormalizationArgs } from './layers/layer-normalization.js';
export {
  RandomFlip, RandomTranslation, RandomRotation, RandomZoom, type RandomFlipArgs, type RandomTranslationArgs, type RandomRotationArgs,
  type RandomZoomArgs, type RandomTransformArgs, type Factor, type FlipMode,
} from './layers/random-geometry.js';
export { RandomContrast, type RandomContrastArgs } from './layers/random-contrast.js';
export { Permute, RepeatVector, type PermuteArgs, type RepeatVectorArgs } from './layers/permute-repeat.js';
export { GaussianNoise, GaussianDropout, SpatialDropout2D, type GaussianNoiseArgs, type GaussianDropoutArgs, type SpatialDropout2DArgs } from './layers/noise.js';
export { Merge, Add, Subtract, Multiply, Average, Maximum, Minimum } from './layers/merge.js';
export { Concatenate, type ConcatenateArgs } from './layers/concatenate.js';
export * as initializers from './initializers.js';
export * as regularizers from './regularizers.js';
export { L1L2, type RegularizerSpec, type ActivityReduction } from './regularizers.js';
export { MaxNorm, MinMaxNorm, UnitNorm, NonNeg, type Constraint } from './constraints.js';
export { type Initializer, type InitializerSpec } from './initializers.js';

export { Model, type ModelArgs } from './models/model.js';
export { type CompileArgs, type Compiled, type OutputTraining, type PerOutput } from './models/compile.js';
export { type ModelData } from './models/data.js';
export { Sequential, type SequentialArgs } from './models/sequential.js';
export { penalizeInto, type FitOptions, type EvaluateOptions } from './models/training.js';
export { type PredictOptions } from './models/predict.js';
export { InferenceModel } from './models/inference-model.js';
export { History, earlyStopping, terminateOnNaN, type Callback, type Logs, type EarlyStoppingArgs } from './models/callbacks.js';
export { type ProgressOutput } from './models/progbar.js';
export { Optimizer, Adam, SGD, RMSprop } from './optimizers/index.js';
export { type AdamArgs } from './optimizers/adam.js';
export { type SGDArgs } from './optimizers/sgd.js';
export { type RMSpropArgs } from './optimizers/rmsprop.js';
export { categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError, type LossFn } from './losses/index.js';
export { categoricalAccuracy, sparseCategoricalAccuracy, binaryAccuracy, type Metric } from './metrics.js';

export { loadMnist, makeMnistSplit, type LoadMnistOptions, type MnistData, type MnistSplit } from './data/mnist.js';
export { parseIdx, idxImagesToTensor, idxLabels, type IdxData } from './data/idx.js';
export { shuffledOrder, sequentialOrder, batchRanges, takeRows } from './data/batches.js';
export { stratifiedCounts, stratifiedSplit } from './data/split.js';
export { oneHot } from './data/one-hot.js';
export { classicCnn, type ClassicCnnArgs } from './models/classic-cnn.js';
export { convnet, type ConvnetArgs } from './models/convnet.js';
export { resnet, type ResnetArgs } from './models/resnet.js';
export { mobilenet, type MobilenetArgs } from './models/mobilenet.js';

export { loadModel, type LoadOptions } from './io/load.js';
export { toOnnx, onnxPlan, type ToOnnxOptions, type OnnxPlan, type OnnxNode } from './io/onnx.js';
export { type SaveTarget } from './io/save.js';
export { type SaveOptions } from './io/model-to-json.js';
export { type ModelSource } from './io/sources.js';
export { type ModelArtifacts, type SavedArtifacts, type ModelJson } from './io/artifacts.js';
export { modelCheckpoint, type ModelCheckpointArgs } from './io/model-checkpoint.js';
export { readTrainingInfo, type TrainingInfo } from './io/training-info.js';
export { SUPPORTED_LAYERS } from './io/all-layers.js';
