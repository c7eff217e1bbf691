import { formatShape, type SymbolicShape } from '../layers/layer.js';

/** One row of the summary table. */
export interface SummaryRow {
  name: string;
  className: string;
  outputShape: SymbolicShape;
  /** Functional models show the input layer's shape as a list, [(None, 28, 28, 1)], as Keras 2. */
  listShape: boolean;
  params: number;
}

const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * Keras 2's summary table (line length 65, columns at 29 and 55):
 *
 *   Model: "sequential"
 *   _________________________________________________________________
 *   Layer (type)                 Output Shape              Param #
 *   =================================================================
 *   conv2d (Conv2D)              (None, 26, 26, 128)       1280
 *   ...
 *   Total params: 217,610
 */
export function formatSummary(modelName: string, rows: readonly SummaryRow[], trainable: number, total: number): string {
  const positions = [29, 55, 65];
  // Keras's print_row: each field replaces the last character of the line so far with a space,
  // is cut at its column's right edge, and is padded up to it.
  const row = (fields: string[]): string => {
    let line = '';
    fields.forEach((f, i) => {
      if (i > 0) line = `${line.slice(0, -1)} `;
      line = (line + f).slice(0, positions[i]).padEnd(positions[i]);
    });
    return line.trimEnd();
  };
  const lines = [`Model: "${modelName}"`, '_'.repeat(65), row(['Layer (type)', 'Output Shape', 'Param #']), '='.repeat(65)];
  rows.forEach((r, i) => {
    const shape = r.listShape ? `[${formatShape(r.outputShape)}]` : formatShape(r.outputShape);
    lines.push(row([`${r.name} (${r.className})`, shape, String(r.params)]));
    lines.push(i === rows.length - 1 ? '='.repeat(65) : '_'.repeat(65));
  });
  if (rows.length === 0) lines.push('='.repeat(65));
  lines.push(`Total params: ${thousands(total)}`, `Trainable params: ${thousands(trainable)}`, `Non-trainable params: ${thousands(total - trainable)}`, '_'.repeat(65));
  return lines.join('\n');
}
