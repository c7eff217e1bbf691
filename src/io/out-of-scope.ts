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
  ['Lambda', 'Python bytecode'],
  ['TensorFlowOpLayer TFOpLambda SlicingOpLambda', 'a raw TensorFlow op'],
  [
    'LSTM GRU SimpleRNN RNN Bidirectional TimeDistributed LSTMCell GRUCell SimpleRNNCell StackedRNNCells CuDNNLSTM CuDNNGRU ConvLSTM1D ConvLSTM2D ConvLSTM3D',
    'a recurrent layer',
  ],
];

/**
 * Refuse a layer of an out-of-scope family, naming it and saying why. The topology reader calls it
 * on every entry (nested models' too) before reading its calls, so that a TFOpLambda's call
 * arguments (`y`, `name`) do not hide the reason.
 */
export function refuseOutOfScope(className: string, name: string, prefix: string): void {
  const reason = FAMILIES.find(([classes]) => classes.split(' ').includes(className))?.[1];
  if (reason !== undefined) throw new Error(`${prefix}: layer '${name}' has class ${className}, which tatami does not support: it is ${reason}`);
}
