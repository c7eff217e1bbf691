import { Tensor, accumulateGrad } from '../tensor.js';
import { allocFloat32 } from '../storage.js';
import { shapeToString, shapesEqual } from '../shape.js';
import { add, sub, mul, div } from '../ops/binary.js';
import { log, clip, neg } from '../ops/unary.js';
import { sum, mean } from '../ops/reduce.js';
import { trainingKernels } from '../training-kernels.js';

/** Keras's fuzz factor: probabilities are clipped to [ε, 1 − ε] before the log. */
export const EPSILON = 1e-7;

function checkSameShape(loss: string, yTrue: Tensor, yPred: Tensor): void {
  if (!shapesEqual(yTrue.shape, yPred.shape)) {
    throw new Error(`${loss}: labels have shape ${shapeToString(yTrue.shape)} but predictions have shape ${shapeToString(yPred.shape)}`);
  }
}

/** Mean over the rows of the fused softmax cross-entropy, from logits z [..., C] and targets y [..., C]. */
function softmaxCrossEntropy(y: Tensor, z: Tensor): Tensor {
  const C = z.shape[z.rank - 1];
  const rows = z.size / C;
  const p = allocFloat32(z.size); // (rows, C)
  const total = trainingKernels().softmaxCrossEntropyForward(p, z.data, y.data, rows, C);
  return Tensor.fromOp('softmaxCrossEntropy', Float32Array.of(total / rows), [], [z], (dout) => {
    const dz = allocFloat32(z.size);
    trainingKernels().softmaxCrossEntropyBackward(dz, p, y.data, rows, C, dout[0] / rows);
    accumulateGrad(z, dz, true);
  });
}

/**
 * Categorical cross-entropy, as Keras: mean over the batch of −Σ_c y·log p.
 * With `fromLogits` (Keras's from_logits; compile sets it when the model ends in a softmax, see
 * resolveLoss) yPred holds the logits z and p = softmax(z) is computed inside, fused, with gradient
 * exactly (p − y)/B, as Keras on TensorFlow does. Otherwise yPred holds probabilities, in Keras's
 * form: rows normalized to sum 1, clipped to [1e-7, 1 − 1e-7], then the log.
 */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  checkSameShape('categorical_crossentropy', yTrue, yPred);
  if (fromLogits) {
    if (yPred.rank === 0) throw new Error(`categorical_crossentropy: logits must have a class axis, got shape ${shapeToString(yPred.shape)}`);
    return softmaxCrossEntropy(yTrue, yPred);
  }
  const axis = yPred.rank - 1;
  const p = clip(div(yPred, sum(yPred, axis, true)), EPSILON, 1 - EPSILON);
  return mean(neg(sum(mul(yTrue, log(p)), axis)));
}

/** Integer class labels [B] or [B, 1] → one-hot [B, C], checking the range. */
function oneHot(loss: string, classes: Tensor, C: number, B: number): Tensor {
  if (classes.size !== B || !(classes.rank === 1 || (classes.rank === 2 && classes.shape[1] === 1))) {
    throw new Error(`${loss}: labels have shape ${shapeToString(classes.shape)}, expected [${B}] or [${B}, 1] integer classes`);
  }
  const out = allocFloat32(B * C); // (B, C)
  for (let b = 0; b < B; b++) {
    const k = classes.data[b];
    if (!Number.isInteger(k) || k < 0 || k >= C) throw new Error(`${loss}: label ${k} at row ${b} is not a class index in [0, ${C})`);
    out[b * C + k] = 1;
  }
  return new Tensor(out, [B, C]);
}

/** Cross-entropy with integer class labels [B] (or [B, 1]) against probabilities (or, fromLogits, logits) [B, C]. */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  if (yPred.rank !== 2) throw new Error(`sparse_categorical_crossentropy: predictions must be [batch, classes], got ${shapeToString(yPred.shape)}`);
  const [B, C] = yPred.shape;
  return categoricalCrossentropy(oneHot('sparse_categorical_crossentropy', yTrue, C, B), yPred, fromLogits);
}

/** Mean of the fused sigmoid cross-entropy, from logits z and targets y of the same shape. */
function sigmoidCrossEntropy(y: Tensor, z: Tensor): Tensor {
  const n = z.size;
  const p = allocFloat32(n);
  const total = trainingKernels().sigmoidCrossEntropyForward(p, z.data, y.data);
  return Tensor.fromOp('sigmoidCrossEntropy', Float32Array.of(total / n), [], [z], (dout) => {
    const dz = allocFloat32(n);
    trainingKernels().sigmoidCrossEntropyBackward(dz, p, y.data, dout[0] / n);
    accumulateGrad(z, dz, true);
  });
}

/**
 * Binary cross-entropy, as Keras: mean of −(y·log p + (1 − y)·log(1 − p)). With `fromLogits` (compile
 * sets it when the model ends in a sigmoid) yPred holds the logits z: fused, gradient (σ(z) − y)/n.
 * Otherwise yPred holds probabilities, clipped to [ε, 1 − ε].
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  checkSameShape('binary_crossentropy', yTrue, yPred);
  if (fromLogits) return sigmoidCrossEntropy(yTrue, yPred);
  const p = clip(yPred, EPSILON, 1 - EPSILON);
  const positive = mul(yTrue, log(add(p, EPSILON)));
  const negative = mul(sub(1, yTrue), log(add(sub(1, p), EPSILON)));
  return neg(mean(add(positive, negative)));
}
