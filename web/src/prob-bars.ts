/** The ten output probabilities as horizontal bars; the winner is marked. */
export class ProbBars {
  private readonly rows: { bar: HTMLDivElement; value: HTMLSpanElement; row: HTMLDivElement }[] = [];

  constructor(readonly element: HTMLElement) {
    for (let k = 0; k < 10; k++) {
      const row = document.createElement('div');
      row.className = 'prob';
      const label = document.createElement('span');
      label.className = 'digit';
      label.textContent = String(k);
      const track = document.createElement('div');
      track.className = 'track';
      const bar = document.createElement('div');
      bar.className = 'bar';
      track.append(bar);
      const value = document.createElement('span');
      value.className = 'value';
      row.append(label, track, value);
      element.append(row);
      this.rows.push({ bar, value, row });
    }
    this.show(null);
  }

  /** Show ten probabilities (null: nothing drawn yet). Each row carries data-prob for tests. */
  show(probs: Float32Array | null): void {
    let best = -1;
    if (probs !== null) for (let k = 0; k < 10; k++) if (best < 0 || probs[k] > probs[best]) best = k;
    this.element.dataset.predicted = best < 0 ? '' : String(best);
    this.rows.forEach(({ bar, value, row }, k) => {
      const p = probs === null ? 0 : probs[k];
      bar.style.width = `${(100 * p).toFixed(1)}%`;
      value.textContent = probs === null ? '' : p.toFixed(3);
      row.dataset.prob = probs === null ? '' : String(p);
      row.classList.toggle('best', k === best);
    });
  }
}
