/**
 * Models of several inputs or outputs: a siamese network (one nested base called on two images, its
 * two embeddings concatenated: tfjs 4.22 has no Subtract layer) and a detector-style trunk with a
 * class head and a box head.
 */
import { Net, functional, type Shape } from './net.js';
import { act, conv, dense, pool } from './architectures.js';

const CL = { data_format: 'channels_last' };

/** Two images → one shared base (Conv, pool, Dense embedding) → Concatenate → Dense sigmoid. */
export function siamese(shape: Shape, w: number): Net {
  const base = functional('embedding', 'input_1', shape, (n, x) => {
    let h = n.add('Conv2D', 'conv2d', conv(w, 3, { act: 'relu' }), x);
    h = n.add('MaxPooling2D', 'max_pooling2d', pool(2), h);
    h = n.add('GlobalAveragePooling2D', 'global_average_pooling2d', { ...CL }, h);
    return n.add('Dense', 'dense', dense(4, 'tanh'), h);
  });
  const net = new Net('siamese');
  const a = net.input('left', shape);
  const b = net.input('right', shape);
  const d = net.add('Concatenate', 'concatenate', { axis: -1 }, [net.nest(base, a), net.nest(base, b)]);
  const s = net.add('Activation', 'activation', act('tanh'), d);
  return net.output(net.add('Dense', 'similarity', dense(1, 'sigmoid'), s));
}

/** One image → a conv trunk → a softmax class head and a linear box head. */
export function twoHeads(shape: Shape, w: number): Net {
  const net = new Net('model');
  const x = net.input('image', shape);
  let h = net.add('Conv2D', 'conv2d', conv(w, 3, { s: 2, act: 'relu' }), x);
  h = net.add('Conv2D', 'conv2d_1', conv(2 * w, 3, { act: 'relu' }), h);
  h = net.add('Flatten', 'flatten', { ...CL }, h);
  return net.output(net.add('Dense', 'class', dense(3, 'softmax'), h), net.add('Dense', 'box', dense(4), h));
}
