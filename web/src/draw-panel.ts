/**
 * The Draw panel: the pad, then every stage of the network for what is drawn — the 28×28 input, the
 * filters, the feature maps after ReLU, the pooled maps, the ten probabilities — recomputed whenever
 * the drawing or the model changes, with the Explainer on top.
 */
import type { Model } from '../../src/index.js';
import { diverging, heat, ink, maxAbs } from './colors.js';
import { DrawPad } from './draw-pad.js';
import { Explainer } from './explain.js';
import { MapGrid } from './map-grid.js';
import { toMnist } from './preprocess.js';
import { ProbBars } from './prob-bars.js';
import { runStages, type Stages } from './stages.js';

export interface DrawPanelElements {
  pad: HTMLCanvasElement;
  input: HTMLElement;
  probs: HTMLElement;
  filters: HTMLElement;
  conv: HTMLElement;
  pooled: HTMLElement;
  explain: HTMLElement;
  /** A small copy of the input beside the arithmetic. */
  explainInput: HTMLElement;
}

export class DrawPanel {
  readonly pad: DrawPad;
  private readonly input = new MapGrid('input-grid', 8);
  private readonly inputSmall = new MapGrid('explain-input-grid', 4);
  private readonly filters = new MapGrid('filter-grid', 10);
  private readonly conv = new MapGrid('conv-grid', 2);
  private readonly pooled = new MapGrid('pooled-grid', 4);
  private readonly bars: ProbBars;
  private readonly explainer: Explainer;
  private model: Model | null = null;
  /** The 28×28 digit shown, or null before anything is drawn. */
  private digit: Float32Array | null = null;
  /** The last stages computed (for tests and the explainer). */
  stages: Stages | null = null;

  constructor(el: DrawPanelElements) {
    el.input.append(this.input.element);
    el.explainInput.append(this.inputSmall.element);
    el.filters.append(this.filters.element);
    el.conv.append(this.conv.element);
    el.pooled.append(this.pooled.element);
    this.bars = new ProbBars(el.probs);
    this.explainer = new Explainer({ inputs: [this.input, this.inputSmall], filters: this.filters, conv: this.conv, pooled: this.pooled, box: el.explain });
    this.pad = new DrawPad(el.pad, (drawn) => {
      this.digit = drawn === null ? null : toMnist(drawn, el.pad.width, el.pad.height);
      this.refresh();
    });
  }

  setModel(model: Model): void {
    this.model = model;
    this.refresh();
  }

  /** Show a ready 28×28 digit (values in [0, 1]) instead of the drawing. */
  setDigit(digit: Float32Array): void {
    this.pad.clear();
    this.digit = digit;
    this.refresh();
  }

  /** Recompute every stage and draw them. Before anything is drawn, the maps are those of a blank input. */
  refresh(): void {
    if (this.model === null) return;
    const s = runStages(this.model, this.digit ?? new Float32Array(28 * 28));
    this.stages = this.digit === null ? null : s;
    this.input.draw(s.input, 1, 28, 28, ink);
    this.inputSmall.draw(s.input, 1, 28, 28, ink);
    const wMax = maxAbs(s.kernel);
    this.filters.draw(s.kernel, s.filters, s.k, s.k, (v) => diverging(v / wMax));
    // Feature maps and pooled maps share one scale (the largest activation), so they compare.
    const aMax = maxAbs(s.conv);
    this.conv.draw(s.conv, s.filters, s.convSize[0], s.convSize[1], (v) => heat(v / aMax));
    this.pooled.draw(s.pooled, s.filters, s.pooledSize[0], s.pooledSize[1], (v) => heat(v / aMax));
    this.bars.show(this.stages === null ? null : s.probs);
    this.explainer.update(this.stages);
  }
}
