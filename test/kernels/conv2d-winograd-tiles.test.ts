// The tile-grid arithmetic every Winograd path walks by (kernels/conv2d-winograd-tiles.ts), against
// tiles counted out one by one: image nl, tile row th, tile column tw, tw fastest.
import { describe, it, expect } from 'vitest';
import { chunkRows, forEachTileRun, tileStart, type TileGrid } from '../../kernels/conv2d-winograd-tiles.js';

const grid: TileGrid = { IC: 3, TH: 3, TW: 4, PH: 8, PW: 10 }; // 3 images of 3×4 tiles, padded 8×10

/** Every tile of the grid's 3 images: its index and its (nl, th, tw). */
const tiles = Array.from({ length: 3 * grid.TH * grid.TW }, (_, t) => ({
  t, nl: Math.floor(t / (grid.TH * grid.TW)), th: Math.floor(t / grid.TW) % grid.TH, tw: t % grid.TW,
}));

describe('Winograd tile grid', () => {
  it('tileStart is padded[nl, 2·th, 2·tw, 0]', () => {
    for (const { t, nl, th, tw } of tiles) {
      expect(tileStart(grid, t), `tile ${t}`).toBe(((nl * grid.PH + 2 * th) * grid.PW + 2 * tw) * grid.IC);
    }
  });

  it('forEachTileRun covers t0 .. t0 + tc − 1 once, in order, each run within one tile row, as few runs as that allows', () => {
    for (const [t0, tc] of [[0, 36], [5, 9], [11, 1], [3, 1], [4, 4], [7, 20]]) {
      const seen: number[] = [];
      let runs = 0;
      forEachTileRun(grid.TW, t0, tc, (t, count) => {
        runs++;
        expect(Math.floor(t / grid.TW), `run at ${t} of ${count}`).toBe(Math.floor((t + count - 1) / grid.TW));
        for (let i = 0; i < count; i++) seen.push(t + i);
      });
      expect(seen).toEqual(Array.from({ length: tc }, (_, i) => t0 + i));
      expect(runs, `t0=${t0} tc=${tc}`).toBe(Math.floor((t0 + tc - 1) / grid.TW) - Math.floor(t0 / grid.TW) + 1);
    }
  });

  it('chunkRows spans whole rows from the first tile\'s first row to the last tile\'s last, for 4- and 2-row tiles', () => {
    const rowFloats = grid.PW * grid.IC;
    for (const [t0, tc] of [[0, 36], [5, 9], [11, 1], [12, 12]]) {
      const first = tiles[t0], last = tiles[t0 + tc - 1];
      for (const tileRows of [4, 2] as const) {
        expect(chunkRows(grid, t0, tc, tileRows), `t0=${t0} tc=${tc} rows=${tileRows}`).toEqual({
          from: (first.nl * grid.PH + 2 * first.th) * rowFloats,
          to: (last.nl * grid.PH + 2 * last.th + tileRows) * rowFloats,
        });
      }
    }
  });
});
