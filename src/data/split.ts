/**
 * Seeded, stratified, non-overlapping train/test splits of a labelled pool (as scikit-learn's
 * `train_test_split(..., stratify=y)`): every class gets its proportional share of each split.
 */
import type { Rng } from '../rng.js';

/**
 * Give `total` items to classes in proportion to `sizes`, by largest remainder (Hamilton's method):
 * each class first gets floor(total·size/Σsizes), then the items still missing go one each to the
 * classes with the largest remainders (ties to the lower class), skipping classes with no `room`
 * left. So the counts sum to `total` exactly, each is within 1 of its proportional share, and
 * none exceeds its room.
 */
function apportion(total: number, sizes: ArrayLike<number>, room: ArrayLike<number>): Int32Array {
  const k = sizes.length;
  let sum = 0;
  for (let c = 0; c < k; c++) sum += sizes[c];
  const counts = new Int32Array(k);
  const remainders = new Float64Array(k);
  let given = 0;
  for (let c = 0; c < k; c++) {
    // Integer arithmetic: total·size is exact in a double for any realistic data set.
    const q = total * sizes[c];
    counts[c] = Math.min(Math.floor(q / sum), room[c]);
    remainders[c] = q % sum;
    given += counts[c];
  }
  const byRemainder = Array.from({ length: k }, (_, c) => c).sort((a, b) => remainders[b] - remainders[a] || a - b);
  for (const c of byRemainder) {
    if (given === total) break;
    if (counts[c] < room[c]) {
      counts[c]++;
      given++;
    }
  }
  if (given !== total) throw new Error(`apportion: cannot place ${total} items in classes with room ${Array.from(room).join(', ')}`);
  return counts;
}

/**
 * How many items of each class go to train and to test, given each class's size.
 * Both splits are apportioned by largest remainder (train first, then test in what train left), so
 * the totals are exact and each class's share of each split is within 1 of proportional.
 */
export function stratifiedCounts(classSizes: ArrayLike<number>, train: number, test: number): { train: Int32Array; test: Int32Array } {
  const n = Array.from(classSizes).reduce((a, b) => a + b, 0);
  if (!Number.isInteger(train) || !Number.isInteger(test) || train < 0 || test < 0 || train + test > n) {
    throw new Error(`stratifiedCounts: cannot take ${train} train + ${test} test items from ${n}`);
  }
  const trainCounts = apportion(train, classSizes, classSizes);
  const left = Int32Array.from(classSizes, (size, c) => size - trainCounts[c]);
  const testCounts = apportion(test, classSizes, left);
  return { train: trainCounts, test: testCounts };
}

/**
 * Split a labelled pool into disjoint train and test index lists.
 *
 * 1. Group the pool's indices by class (in pool order) and shuffle each class's list with `rng`.
 * 2. Each class gives the first `trainCounts[c]` of its list to train and the next `testCounts[c]`
 *    to test (see `stratifiedCounts`).
 * 3. Shuffle each split's order with `rng`, so classes are mixed.
 *
 * The same `classes`, counts and seed give the same split on every platform.
 */
export function stratifiedSplit(
  classes: Int32Array,
  numClasses: number,
  train: number,
  test: number,
  rng: Rng,
): { train: Int32Array; test: Int32Array } {
  // 1. Indices of each class.
  const sizes = new Int32Array(numClasses);
  for (const c of classes) sizes[c]++;
  const byClass = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(numClasses);
  for (let i = 0; i < classes.length; i++) byClass[classes[i]][filled[classes[i]]++] = i;
  // 2. Each class's share of each split, from its shuffled list.
  const counts = stratifiedCounts(sizes, train, test);
  const trainIdx = new Int32Array(train);
  const testIdx = new Int32Array(test);
  let tr = 0;
  let te = 0;
  for (let c = 0; c < numClasses; c++) {
    const list = rng.shuffle(byClass[c]);
    const t = counts.train[c];
    trainIdx.set(list.subarray(0, t), tr);
    testIdx.set(list.subarray(t, t + counts.test[c]), te);
    tr += t;
    te += counts.test[c];
  }
  // 3. Mix the classes.
  return { train: rng.shuffle(trainIdx), test: rng.shuffle(testIdx) };
}
