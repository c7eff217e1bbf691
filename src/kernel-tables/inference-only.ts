/**
 * What an inference table (tatami/infer's) holds in place of a kernel it does not carry: the
 * backward kernels and the training-mode forwards. Those reach a process only through the tables
 * the training side installs (src/fast-kernels.ts, by the Model class's module), so the
 * ops keep their backward closures while a tatami/infer bundle carries none of their kernels.
 */
export function inferenceOnly(entry: string): () => never {
  return () => {
    throw new Error(`${entry}: tatami/infer runs models for inference only and carries no gradient or training kernels; to train or take gradients, import from 'tatami'`);
  };
}
