import type { Tensor } from './tensor.js';
import { releaseFloat32 } from './storage.js';

/**
 * Gives the storage of a finished training step back for reuse (see storage.ts): the data of every
 * op-made tensor under `root`, the scratch its backward held (Tensor.holdScratch: a conv's im2col
 * matrix) and the gradient of every tensor there, leaves included. Kept: the leaves' data (weights,
 * inputs), and any buffer an op output shares with a leaf (reshape views, a 1×1 conv's cols).
 *
 * After this call none of those tensors may be read, and the leaves' gradients must be dropped
 * (set to null) before the next backward(): fit calls it once it has the loss and the metrics and
 * the optimizer has stepped, then clears the parameters' gradients.
 */
export function recycleGraph(root: Tensor): void {
  const nodes: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: Tensor[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Tensor;
    nodes.push(node);
    for (const input of node.inputs) {
      if (!seen.has(input)) {
        seen.add(input);
        stack.push(input);
      }
    }
  }
  // Compared by ArrayBuffer, so a view of a leaf's storage is kept however it was made.
  const leafStorage = new Set<ArrayBufferLike>();
  for (const node of nodes) if (node.inputs.length === 0) leafStorage.add(node.data.buffer);
  const buffers = new Set<Float32Array>();
  const offer = (b: Float32Array): void => {
    if (!leafStorage.has(b.buffer)) buffers.add(b);
  };
  for (const node of nodes) {
    if (node.inputs.length > 0) offer(node.data);
    if (node.grad !== null) offer(node.grad.data);
    for (const b of node.scratch) offer(b);
  }
  releaseFloat32(buffers);
}
