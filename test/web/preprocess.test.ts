import { describe, it, expect } from 'vitest';
import { toMnist } from '../../web/src/preprocess.js';

/** A 280×280 pad with full ink in the rectangle [x0, x1) × [y0, y1). */
function pad(x0: number, y0: number, x1: number, y1: number): Float32Array {
  const ink = new Float32Array(280 * 280);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * 280 + x] = 1;
  return ink;
}

/** Bounding box and centre of mass of a 28×28 digit. */
function measure(d: Float32Array) {
  let [top, bottom, left, right, mass, cx, cy] = [28, -1, 28, -1, 0, 0, 0];
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = d[y * 28 + x];
      if (v <= 0) continue;
      [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  return { height: bottom - top + 1, width: right - left + 1, cx: cx / mass, cy: cy / mass };
}

describe('toMnist (the drawing → an MNIST-like 28×28 digit)', () => {
  it('gives null for an empty pad', () => {
    expect(toMnist(new Float32Array(280 * 280), 280, 280)).toBeNull();
  });

  it('fits a tall stroke into 20 pixels of height, keeping its aspect ratio, centred by mass', () => {
    // 40 wide, 200 tall, in a corner of the pad: scaled by 20/200 to 4 × 20.
    const d = toMnist(pad(10, 50, 50, 250), 280, 280)!;
    const m = measure(d);
    expect(m.height).toBe(20);
    expect(m.width).toBe(4);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5);
    for (const v of d) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('anti-aliases: an edge that falls inside a small pixel gives grey', () => {
    // 33 wide, 100 tall: scaled by 0.2 to 6.6 × 20, so the 7th column is 60% covered by ink.
    const d = toMnist(pad(0, 0, 33, 100), 280, 280)!;
    const greys = [...d].filter((v) => v > 0.05 && v < 0.95);
    expect(greys).toHaveLength(20);
    for (const v of greys) expect(v).toBeCloseTo(0.6, 5);
  });
});
