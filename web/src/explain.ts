/**
 * Explain one number: hovering a feature-map pixel shows the input patch it came from and the
 * arithmetic, patch ⊙ filter + bias → ReLU, with the real values; hovering a pooled pixel shows its
 * 2×2 window in the feature map and which cell won. The source regions are outlined on the grids.
 */
import { lang, onLangChange, t } from './captions.js';
import type { Cell, MapGrid } from './map-grid.js';
import type { Stages } from './stages.js';

export interface ExplainViews {
  /** The input, drawn more than once (beside the pad, and small beside the arithmetic). */
  inputs: MapGrid[];
  filters: MapGrid;
  conv: MapGrid;
  pooled: MapGrid;
  /** Where the arithmetic goes. */
  box: HTMLElement;
}

type Hover = { kind: 'conv' | 'pool'; cell: Cell } | null;

/** A small table of numbers, row by row; cells listed in `marked` get the class 'marked'. */
function numberGrid(values: number[], cols: number, digits: number, marked: number[] = []): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'numbers';
  for (let r = 0; r < values.length / cols; r++) {
    const tr = table.insertRow();
    for (let c = 0; c < cols; c++) {
      const td = tr.insertCell();
      const i = r * cols + c;
      td.textContent = values[i].toFixed(digits);
      if (marked.includes(i)) td.className = 'marked';
    }
  }
  return table;
}

function paragraph(text: string, className = ''): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  p.className = className;
  return p;
}

/** '×', '=', '+' between the tables. */
function operator(symbol: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = 'operator';
  span.textContent = symbol;
  return span;
}

export class Explainer {
  private stages: Stages | null = null;
  private hover: Hover = null;

  constructor(private readonly views: ExplainViews) {
    const watch = (grid: MapGrid, kind: 'conv' | 'pool'): void => {
      grid.canvas.addEventListener('mousemove', (e) => {
        const cell = grid.hit(e.clientX, e.clientY);
        const same = cell !== null && this.hover?.kind === kind && this.hover.cell.tile === cell.tile && this.hover.cell.row === cell.row && this.hover.cell.col === cell.col;
        if (!same) this.set(cell === null ? null : { kind, cell });
      });
      grid.canvas.addEventListener('mouseleave', () => this.set(null));
    };
    watch(views.conv, 'conv');
    watch(views.pooled, 'pool');
    onLangChange(() => this.render());
    this.render();
  }

  /** New numbers (the user drew, or the weights changed): explain the same pixel again. */
  update(stages: Stages | null): void {
    this.stages = stages;
    this.render();
  }

  private set(hover: Hover): void {
    this.hover = hover;
    this.render();
  }

  private render(): void {
    const { inputs, filters, conv, pooled, box } = this.views;
    for (const g of [...inputs, filters, conv, pooled]) g.highlight([]);
    box.replaceChildren();
    const s = this.stages;
    if (s === null || this.hover === null) {
      box.append(paragraph(t('explainIdle'), 'idle'));
      return;
    }
    if (this.hover.kind === 'conv') this.explainConv(s, this.hover.cell);
    else this.explainPool(s, this.hover.cell);
  }

  /** y[r, c, f] = ReLU(bias[f] + Σ_{i,j} x[r+i, c+j] · w[i, j, f]) */
  private explainConv(s: Stages, { tile: f, row: r, col: c }: Cell): void {
    const { inputs, filters, conv, box } = this.views;
    const K = s.k;
    const patch: number[] = [];
    const weights: number[] = [];
    const products: number[] = [];
    let sum = 0;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const x = s.input[(r + i) * 28 + (c + j)];
        const w = s.kernel[(i * K + j) * s.filters + f];
        patch.push(x);
        weights.push(w);
        products.push(x * w);
        sum += x * w;
      }
    }
    const z = sum + s.bias[f];
    const shown = s.conv[(r * s.convSize[1] + c) * s.filters + f];
    for (const g of inputs) g.highlight([{ tile: 0, row: r, col: c, rows: K, cols: K, kind: 'patch' }]);
    filters.highlight([{ tile: f, row: 0, col: 0, rows: K, cols: K, kind: 'patch' }]);
    conv.highlight([{ tile: f, row: r, col: c, rows: 1, cols: 1, kind: 'cell' }]);
    const ja = lang() === 'ja';
    box.append(
      paragraph(ja
        ? `特徴マップ ${f}、${r} 行 ${c} 列：入力の ${K}×${K} のパッチとフィルタ ${f} を要素ごとに掛けて足し、バイアスを加えて ReLU に通します。`
        : `Feature map ${f}, row ${r}, column ${c}: the ${K}×${K} input patch times filter ${f}, element by element, summed, plus the bias, through ReLU.`),
    );
    const row = document.createElement('div');
    row.className = 'equation';
    row.append(numberGrid(patch, K, 2), operator('⊙'), numberGrid(weights, K, 2), operator('='), numberGrid(products, K, 2));
    box.append(row);
    box.append(paragraph(`Σ = ${sum.toFixed(4)}   + ${ja ? 'バイアス' : 'bias'} ${s.bias[f].toFixed(4)} = ${z.toFixed(4)}   → ReLU → ${Math.max(0, z).toFixed(4)}`, 'sum'));
    box.append(paragraph(ja ? `マップ上の値：${shown.toFixed(4)}` : `The value in the map: ${shown.toFixed(4)}`, 'check'));
  }

  /** p[r, c, f] = max over the 2×2 window y[2r..2r+1, 2c..2c+1, f] */
  private explainPool(s: Stages, { tile: f, row: r, col: c }: Cell): void {
    const { inputs, conv, pooled, box } = this.views;
    const values: number[] = [];
    let best = 0;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        values.push(s.conv[((2 * r + i) * s.convSize[1] + (2 * c + j)) * s.filters + f]);
        if (values[values.length - 1] > values[best]) best = values.length - 1;
      }
    }
    const wr = 2 * r + Math.floor(best / 2);
    const wc = 2 * c + (best % 2);
    conv.highlight([
      { tile: f, row: 2 * r, col: 2 * c, rows: 2, cols: 2, kind: 'window' },
      { tile: f, row: wr, col: wc, rows: 1, cols: 1, kind: 'winner' },
    ]);
    pooled.highlight([{ tile: f, row: r, col: c, rows: 1, cols: 1, kind: 'cell' }]);
    for (const g of inputs) g.highlight([{ tile: 0, row: wr, col: wc, rows: s.k, cols: s.k, kind: 'patch' }]);
    const ja = lang() === 'ja';
    box.append(
      paragraph(ja
        ? `プーリング後のマップ ${f}、${r} 行 ${c} 列：特徴マップ ${f} の ${2 * r}〜${2 * r + 1} 行、${2 * c}〜${2 * c + 1} 列の 2×2 の窓の最大値です。`
        : `Pooled map ${f}, row ${r}, column ${c}: the largest value in the 2×2 window at rows ${2 * r}–${2 * r + 1}, columns ${2 * c}–${2 * c + 1} of feature map ${f}.`),
    );
    const row = document.createElement('div');
    row.className = 'equation';
    row.append(operator('max'), numberGrid(values, 2, 4, [best]), operator('='), numberGrid([s.pooled[(r * s.pooledSize[1] + c) * s.filters + f]], 1, 4));
    box.append(row);
    box.append(paragraph(ja
      ? `勝ったのは ${wr} 行 ${wc} 列のセル（入力の中の、そのパッチを枠で示しています）。`
      : `The winner is the cell at row ${wr}, column ${wc} (its input patch is outlined).`, 'check'));
  }
}
