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
const RECURRENT = [
  'LSTM', 'GRU', 'SimpleRNN', 'RNN', 'Bidirectional', 'TimeDistributed', 'LSTMCell', 'GRUCell', 'SimpleRNNCell',
  'StackedRNNCells', 'CuDNNLSTM', 'CuDNNGRU', 'ConvLSTM2D', 'ConvLSTM1D', 'ConvLSTM3D',
];

const REASONS: ReadonlyMap<string, string> = new Map([
  ['Lambda', 'a Lambda layer is a Python function saved as bytecode, which only Python can run'],
  ['TensorFlowOpLayer', 'a TensorFlowOpLayer is a raw TensorFlow op, which tatami does not run'],
  ['TFOpLambda', 'a TFOpLambda layer is a raw TensorFlow function, which tatami does not run'],
  ['SlicingOpLambda', 'a SlicingOpLambda layer is a raw TensorFlow slice, which tatami does not run'],
  ...RECURRENT.map((c): [string, string] => [c, `${c} is a recurrent layer, and tatami is a convolutional-network engine without recurrent layers`]),
]);

/** Why tatami does not support this layer class, when it is one of the out-of-scope families. */
export function outOfScopeReason(className: string): string | undefined {
  return REASONS.get(className);
}
