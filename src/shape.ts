/** Shape helpers shared by ops and layers. */
export type Shape = readonly number[];

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeToString(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Resolve a possibly negative axis against a rank, or throw naming the op. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  const ax = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || ax < 0 || ax >= rank) {
    throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return ax;
}

/** Check that every dimension is a non-negative integer; the error names the op. */
export function assertValidShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${shapeToString(shape)}`);
  }
}
