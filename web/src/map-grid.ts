/**
 * A grid of small images on one canvas: the filters, the feature maps or the pooled maps, one tile
 * each. The canvas holds one canvas pixel per value (1-pixel gaps) and CSS scales it up without
 * smoothing, so a 26×26 map stays a crisp 26×26. It also answers "which value is under the mouse?"
 * and draws highlight boxes over chosen values.
 */
import type { Rgb } from './colors.js';

/** One value of one tile. */
export interface Cell {
  tile: number;
  row: number;
  col: number;
}

/** A rectangle of values in one tile to outline, in a CSS class ('patch', 'winner', ...). */
export interface Box extends Cell {
  rows: number;
  cols: number;
  kind: string;
}

const GAP = 1;

export class MapGrid {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private tiles = 0;
  private tileH = 1;
  private tileW = 1;
  private columns = 1;
  private overlays: HTMLDivElement[] = [];

  /** `zoom`: CSS pixels per value. */
  constructor(id: string, private readonly zoom: number, private readonly maxColumns = 16) {
    this.element = document.createElement('div');
    this.element.className = 'map-grid';
    this.canvas = document.createElement('canvas');
    this.canvas.id = id;
    this.element.append(this.canvas);
  }

  /**
   * Draw `tiles` images of h×w from `values` laid out [h, w, tiles] (channel last, as NHWC tensors
   * and HWIO kernels store them), each value coloured by `color`.
   */
  draw(values: Float32Array, tiles: number, h: number, w: number, color: (v: number) => Rgb): void {
    if (tiles !== this.tiles || h !== this.tileH || w !== this.tileW) {
      this.tiles = tiles;
      this.tileH = h;
      this.tileW = w;
      this.columns = Math.min(tiles, this.maxColumns);
      const rows = Math.ceil(tiles / this.columns);
      this.canvas.width = GAP + this.columns * (w + GAP);
      this.canvas.height = GAP + rows * (h + GAP);
      this.canvas.style.width = `${this.canvas.width * this.zoom}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const image = ctx.createImageData(this.canvas.width, this.canvas.height);
    const px = image.data;
    px.fill(255); // white gaps
    for (let t = 0; t < tiles; t++) {
      const [x0, y0] = this.origin(t);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const [r, g, b] = color(values[(y * w + x) * tiles + t]);
          const i = 4 * ((y0 + y) * this.canvas.width + x0 + x);
          px[i] = r;
          px[i + 1] = g;
          px[i + 2] = b;
        }
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  /** Canvas coordinates of tile t's top-left value. */
  private origin(t: number): [number, number] {
    return [GAP + (t % this.columns) * (this.tileW + GAP), GAP + Math.floor(t / this.columns) * (this.tileH + GAP)];
  }

  /** The value under a mouse position, or null over a gap or outside. */
  hit(clientX: number, clientY: number): Cell | null {
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width === 0) return null;
    const x = ((clientX - rect.left) / rect.width) * this.canvas.width - GAP;
    const y = ((clientY - rect.top) / rect.height) * this.canvas.height - GAP;
    const tc = Math.floor(x / (this.tileW + GAP));
    const tr = Math.floor(y / (this.tileH + GAP));
    const col = Math.floor(x - tc * (this.tileW + GAP));
    const row = Math.floor(y - tr * (this.tileH + GAP));
    const tile = tr * this.columns + tc;
    if (tc < 0 || tc >= this.columns || tr < 0 || tile >= this.tiles || col >= this.tileW || row >= this.tileH) return null;
    return { tile, row, col };
  }

  /** Outline these boxes (replacing the previous ones); an empty list clears them. */
  highlight(boxes: readonly Box[]): void {
    for (const o of this.overlays) o.remove();
    const scale = this.canvas.clientWidth / this.canvas.width;
    this.overlays = boxes.map((b) => {
      const [x0, y0] = this.origin(b.tile);
      const div = document.createElement('div');
      div.className = `highlight ${b.kind}`;
      Object.assign(div.style, {
        left: `${(x0 + b.col) * scale}px`,
        top: `${(y0 + b.row) * scale}px`,
        width: `${b.cols * scale}px`,
        height: `${b.rows * scale}px`,
      });
      this.element.append(div);
      return div;
    });
  }
}
