/**
 * Whether ops record the graph. On by default; `noGrad(fn)` turns it off while `fn` runs
 * (inference, evaluation, optimizer updates, finite differences).
 */
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run `fn` without recording any op for backward; restores the previous mode even if fn throws. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}
