/**
 * Text pictures for `tatami predict`: a 28×28 digit as ASCII art beside the ten class probabilities
 * as a bar chart, so a learner sees what the network saw and what it thinks.
 */
const RAMP = ' .:-=+*#%@';

/** One text row per image row, two characters per pixel (terminal cells are about twice as tall as wide). */
export function digitArt(pixels: ArrayLike<number>, height = 28, width = 28): string[] {
  const rows: string[] = [];
  for (let r = 0; r < height; r++) {
    let line = '';
    for (let c = 0; c < width; c++) {
      const v = Math.min(1, Math.max(0, pixels[r * width + c]));
      const ch = RAMP[Math.min(RAMP.length - 1, Math.floor(v * RAMP.length))];
      line += ch + ch;
    }
    rows.push(line);
  }
  return rows;
}

/** `3 ██████████████░░░░░░ 0.712` for each class; the winner is marked with ◀. */
export function probabilityBars(probs: ArrayLike<number>, width = 30): string[] {
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  const rows: string[] = [];
  for (let k = 0; k < probs.length; k++) {
    const filled = Math.round(Math.min(1, Math.max(0, probs[k])) * width);
    rows.push(`${k} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${probs[k].toFixed(3)}${k === best ? ' ◀' : ''}`);
  }
  return rows;
}

/** Put `right` beside `left`, vertically centred. */
export function sideBySide(left: string[], right: string[], gap = '   '): string {
  const offset = Math.max(0, Math.floor((left.length - right.length) / 2));
  const width = Math.max(...left.map((l) => l.length));
  return left.map((l, i) => `|${l.padEnd(width)}|${gap}${right[i - offset] ?? ''}`.trimEnd()).join('\n');
}
