// Small printing helpers shared by the chapter scripts (not a chapter itself).

/** A rows×cols grid of numbers, right-aligned, `digits` decimals, each line indented by `indent`. */
export function grid(values: ArrayLike<number>, rows: number, cols: number, digits = 0, indent = '  '): string {
  const cells = Array.from({ length: rows * cols }, (_, i) => fmt(values[i], digits));
  const width = Math.max(...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(indent + cells.slice(r * cols, (r + 1) * cols).map((c) => c.padStart(width)).join(' '));
  return lines.join('\n');
}

/** A number with `digits` decimals, without the "-0" that toFixed gives tiny negatives. */
export function fmt(v: number, digits = 4): string {
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A list of numbers as "[a, b, c]" with `digits` decimals. */
export function list(values: ArrayLike<number>, digits = 4): string {
  return `[${Array.from(values, (v) => fmt(v, digits)).join(', ')}]`;
}

/** An integer with thousands separators: 217610 → "217,610". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** rows×cols values in [0, max] as ASCII shades, two characters per pixel so the picture stays square. */
export function shades(values: ArrayLike<number>, rows: number, cols: number, max = 1, indent = '  '): string {
  const ramp = ' .:-=+*#%@';
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = indent;
    for (let c = 0; c < cols; c++) {
      const t = Math.max(0, Math.min(1, values[r * cols + c] / (max || 1)));
      const ch = ramp[Math.min(ramp.length - 1, Math.round(t * (ramp.length - 1)))];
      line += ch + ch;
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}
