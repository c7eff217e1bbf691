/**
 * Layer families tatami refuses by design, each with the reason its message gives: a file using one
 * cannot be run here whatever its weights.
 *
 * - Lambda: a Python function serialized as bytecode; running it needs Python.
 * - TensorFlowOpLayer (and Keras's TFOpLambda, SlicingOpLambda): raw TensorFlow ops recorded when a
 *   model applies a tf.* function to a Keras tensor; each would need its own TensorFlow kernel.
 * - Recurrent layers (LSTM, GRU, SimpleRNN, their cells and wrappers, ConvLSTM2D): tatami is a
 *   convolutional-network engine; it has no recurrence over time steps.
 */
const FAMILIES: readonly [classes: string, reason: string][] = [
  ['Lambda', 'a Lambda layer is a Python function saved as bytecode, which only Python can run'],
  ['TensorFlowOpLayer TFOpLambda SlicingOpLambda', 'it is a raw TensorFlow op, which tatami does not run'],
  [
    'LSTM GRU SimpleRNN RNN Bidirectional TimeDistributed LSTMCell GRUCell SimpleRNNCell StackedRNNCells CuDNNLSTM CuDNNGRU ConvLSTM1D ConvLSTM2D ConvLSTM3D',
    'it is a recurrent layer, and tatami is a convolutional-network engine without recurrent layers',
  ],
];

/** Why tatami does not support this layer class, when it is one of the out-of-scope families. */
export function outOfScopeReason(className: string): string | undefined {
  return FAMILIES.find(([classes]) => classes.split(' ').includes(className))?.[1];
}

/**
 * Refuse a layer of an out-of-scope family, naming it and saying why. The topology reader calls it
 * on every entry before reading its calls, so that a TFOpLambda's call arguments (`y`, `name`) do
 * not hide the reason.
 */
export function refuseOutOfScope(className: string, name: string, prefix: string): void {
  const reason = outOfScopeReason(className);
  if (reason !== undefined) throw new Error(`${prefix}: layer '${name}' has class ${className}, which tatami does not support: ${reason}`);
}
