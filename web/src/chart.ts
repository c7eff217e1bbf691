/**
 * Live training curves on a canvas: the running loss (red, left scale from 0 to the largest loss
 * seen) and accuracy (blue, right scale 0..1) after every batch, and the test set's loss and
 * accuracy after every epoch as dots. Drawn at most once per animation frame.
 */
interface Point {
  step: number;
  loss: number;
  accuracy: number;
}

const LOSS = '#d64541';
const ACCURACY = '#3465a4';

export class Chart {
  private batches: Point[] = [];
  private epochs: Point[] = [];
  private pending = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.draw();
  }

  clear(): void {
    this.batches = [];
    this.epochs = [];
    this.redraw();
  }

  addBatch(step: number, loss: number, accuracy: number): void {
    this.batches.push({ step, loss, accuracy });
    this.redraw();
  }

  addEpoch(step: number, loss: number, accuracy: number): void {
    this.epochs.push({ step, loss, accuracy });
    this.redraw();
  }

  private redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const { width, height } = this.canvas;
    const pad = { left: 34, right: 30, top: 10, bottom: 18 };
    const w = width - pad.left - pad.right;
    const h = height - pad.top - pad.bottom;
    ctx.clearRect(0, 0, width, height);
    ctx.font = '10px system-ui, sans-serif';
    ctx.strokeStyle = '#ccc';
    ctx.strokeRect(pad.left, pad.top, w, h);
    const all = [...this.batches, ...this.epochs];
    const lastStep = Math.max(1, ...all.map((p) => p.step));
    const topLoss = Math.max(0.1, ...all.map((p) => p.loss)) * 1.05;
    const x = (step: number): number => pad.left + (step / lastStep) * w;
    const yLoss = (v: number): number => pad.top + h - (v / topLoss) * h;
    const yAcc = (v: number): number => pad.top + h - v * h;
    // Scales: loss on the left, accuracy on the right, steps along the bottom.
    ctx.fillStyle = LOSS;
    ctx.fillText(topLoss.toFixed(2), 2, pad.top + 8);
    ctx.fillText('0', 2, pad.top + h);
    ctx.fillStyle = ACCURACY;
    ctx.fillText('1.0', width - pad.right + 4, pad.top + 8);
    ctx.fillText('0', width - pad.right + 4, pad.top + h);
    ctx.fillStyle = '#666';
    if (all.length > 0) ctx.fillText(`${lastStep} batches`, width - pad.right - 60, height - 4);
    for (const [key, color, y] of [['loss', LOSS, yLoss], ['accuracy', ACCURACY, yAcc]] as const) {
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      this.batches.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.step), y(p[key])) : ctx.lineTo(x(p.step), y(p[key]))));
      ctx.stroke();
      ctx.fillStyle = color;
      for (const p of this.epochs) {
        ctx.beginPath();
        ctx.arc(x(p.step), y(p[key]), 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
}
