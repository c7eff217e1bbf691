// Does Winograd pay inside a whole training step? One model's step at batch 32 (bench/models.ts's
// models and data), alternately with the fast table's conv entries as they are (Winograd where
// src/conv2d-winograd-choice.ts picks it) and with the entries without Winograd (kernels/conv2d-fast.ts:
// the direct SIMD convolution or im2col), so both sides see the same load of the shared machine.
// Prints both medians and their ratio.
//
//   npx tsx bench/winograd-step.ts [convnet|convnet_bn|resnet|classic3|...] [seconds = 20]

import { type Conv2dKernels } from '../src/kernel-tables/conv2d.js';
import { fastConv2dKernels } from '../src/fast-kernels.js';
import { allocFloat32 } from '../src/storage.js';
import { conv2dKeptIsInput, conv2dForwardFast, conv2dBackwardInputFast, conv2dBackwardFilterFast, conv2dBackwardBiasFast } from '../kernels/conv2d-fast.js';
import { conv2dDirectSimdApplies, conv2dBackwardFilterBiasDirectSimd } from '../kernels/conv2d-direct-simd.js';
import { makeBatches, alternate, median, modelNames, type ModelName } from './models.js';
import { tatamiStep } from './models-tatami.js';

type ConvEntries = Conv2dKernels;
const entries = (t: ConvEntries): ConvEntries => ({
  conv2dKept: t.conv2dKept, conv2dForward: t.conv2dForward, conv2dBackwardInput: t.conv2dBackwardInput, conv2dBackwardFilter: t.conv2dBackwardFilter,
  conv2dBackwardFilterBias: t.conv2dBackwardFilterBias,
});
const withWinograd = entries(fastConv2dKernels);
const withoutWinograd: ConvEntries = {
  conv2dKept: (x, s) => (conv2dKeptIsInput(s) ? x : allocFloat32(s.N * s.OH * s.OW * s.KH * s.KW * s.CI)), // (N·OH·OW, KH·KW·CI)
  conv2dForward: conv2dForwardFast,
  conv2dBackwardInput: conv2dBackwardInputFast,
  conv2dBackwardFilter: conv2dBackwardFilterFast,
  // Without any Winograd: the direct SIMD kernels' dw and db from one copy of dy where they apply,
  // else the fast bias gradient and this side's filter gradient.
  conv2dBackwardFilterBias(dw, db, dy, kept, s) {
    if (dw !== null && conv2dDirectSimdApplies(s)) {
      conv2dBackwardFilterBiasDirectSimd(dw, db, dy, kept, s);
      return;
    }
    if (db !== null) conv2dBackwardBiasFast(db, dy, s);
    if (dw !== null) conv2dBackwardFilterFast(dw, dy, kept, s);
  },
};

const name = (process.argv[2] ?? 'convnet') as ModelName;
if (!modelNames.includes(name) || name === 'ownloop') throw new Error(`winograd-step: model must be one of ${modelNames.filter((m) => m !== 'ownloop').join(', ')}, got '${name}'`);
const seconds = Number(process.argv[3] ?? 20);
const data = makeBatches(32, 4);
// Two models from the same seed, one per side, so neither side's Adam state feeds the other.
const steps = [tatamiStep(name, 'train', data), tatamiStep(name, 'train', data)];
const side = (i: number, table: ConvEntries) => async (): Promise<number[]> => {
  Object.assign(fastConv2dKernels, table); // the entries this side runs, put back before each step
  const t0 = performance.now();
  await steps[i]();
  return [performance.now() - t0];
};
try {
  const [tw, ti] = await alternate(side(0, withWinograd), side(1, withoutWinograd), seconds, 25);
  const [mw, mi] = [median(tw), median(ti)];
  console.log(`${name} training step, batch 32, ${tw.length} alternated steps each: with Winograd ${mw.toFixed(2)} ms (${(32000 / mw).toFixed(0)} img/s), ` +
    `without Winograd ${mi.toFixed(2)} ms (${(32000 / mi).toFixed(0)} img/s): ${(mi / mw).toFixed(2)}×`);
} finally {
  Object.assign(fastConv2dKernels, withWinograd);
}
