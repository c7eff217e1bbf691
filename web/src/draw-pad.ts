/**
 * The canvas the user draws a digit on, with a mouse, a finger or a pen (pointer events cover all
 * three; CSS `touch-action: none` keeps a finger from scrolling the page instead). Strokes are round
 * and thick, like a pen on paper; after each change (at most once per animation frame) `onChange`
 * gets the ink as width·height values in [0, 1].
 */
export class DrawPad {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  private pending = false;

  constructor(canvas: HTMLCanvasElement, private readonly onChange: (ink: Float32Array | null) => void) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('DrawPad: no 2d canvas context');
    this.ctx = ctx;
    // A stroke about a tenth of the pad wide, as MNIST's strokes are about a tenth of the digit box.
    ctx.lineWidth = canvas.width / 13;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    ctx.fillStyle = '#000';
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.stroke(this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.last === null) return;
      // Pointer events may be coalesced: draw through every position the pointer passed.
      for (const ev of e.getCoalescedEvents?.() ?? [e]) this.stroke(this.point(ev));
    });
    const end = (): void => void (this.last = null);
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  /** Canvas coordinates of a pointer event (the canvas may be shown at another size). */
  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * this.canvas.width, y: ((e.clientY - r.top) / r.height) * this.canvas.height };
  }

  private stroke(p: { x: number; y: number }): void {
    const from = this.last ?? p;
    this.ctx.beginPath();
    this.ctx.moveTo(from.x, from.y);
    this.ctx.lineTo(p.x + 0.01, p.y); // a dot still draws when the pointer has not moved
    this.ctx.stroke();
    this.last = p;
    this.changed();
  }

  private changed(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.onChange(this.ink());
    });
  }

  /** The ink: the alpha of each canvas pixel, 0..1; null when the pad is empty. */
  ink(): Float32Array | null {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const ink = new Float32Array(width * height);
    let any = false;
    for (let i = 0; i < ink.length; i++) {
      ink[i] = rgba[4 * i + 3] / 255;
      any ||= ink[i] > 0;
    }
    return any ? ink : null;
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.last = null;
    this.onChange(null);
  }
}
