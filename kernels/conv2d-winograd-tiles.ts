// Where Winograd's tiles sit in a zero-padded group of images (conv2d-winograd.ts's runPass, the
// filter gradient's in conv2d-winograd-dw.ts): the one index arithmetic the JS transforms, the SIMD
// ones (conv2d-winograd-simd.ts) and the in-heap chunks (conv2d-winograd-heap.ts) all walk by.
//
//   padded [g, PH, PW, IC]: g images, each with its zero border; tiles TH × TW an image
//   tile t = (nl, th, tw), tw fastest: image nl of the group, tile row th, tile column tw
//   tile t reads rows 2·th .. 2·th + tileRows − 1 of image nl from column 2·tw on
//   (tileRows = 4 for an input's 4×4 tiles, 2 for dy's 2×2 in the filter gradient)

/** The grid of tiles over a padded group of images: channels, tiles per column and row, padded height and width. */
export interface TileGrid {
  readonly IC: number; readonly TH: number; readonly TW: number; readonly PH: number; readonly PW: number;
}

/** The padded row where tile t starts (the first row it reads), counted over the group's images. */
function firstRow(grid: TileGrid, t: number): number {
  const rest = Math.floor(t / grid.TW); // nl·TH + th
  return Math.floor(rest / grid.TH) * grid.PH + 2 * (rest % grid.TH);
}

/** The float offset in the padded group of tile t's first pixel: padded[nl, 2·th, 2·tw, 0]. */
export function tileStart(grid: TileGrid, t: number): number {
  return (firstRow(grid, t) * grid.PW + 2 * (t % grid.TW)) * grid.IC;
}

/**
 * Floats from .. to of the padded group: the whole rows that tiles t0 .. t0 + tc − 1 read,
 * `tileRows` rows a tile (what a chunk copies into wasm memory).
 */
export function chunkRows(grid: TileGrid, t0: number, tc: number, tileRows: 2 | 4): { readonly from: number; readonly to: number } {
  const rowFloats = grid.PW * grid.IC;
  return { from: firstRow(grid, t0) * rowFloats, to: (firstRow(grid, t0 + tc - 1) + tileRows) * rowFloats };
}

/**
 * Cuts tiles t0 .. t0 + tc − 1 into runs of tiles side by side in one tile row of one image, and
 * calls run(t, count) for each (tiles t .. t + count − 1): the module's transforms walk one such
 * run per call, their tiles 2·IC floats apart.
 */
export function forEachTileRun(TW: number, t0: number, tc: number, run: (t: number, count: number) => void): void {
  for (let t = t0; t < t0 + tc;) {
    const count = Math.min(TW - (t % TW), t0 + tc - t);
    run(t, count);
    t += count;
  }
}
