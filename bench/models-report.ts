// The models family's table, the target ratios of issues #15 and #17, and its JSON file.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { machineInfo, resultsDir } from './report.js';
import { modelLabels, type ModelRow, type TargetRatio } from './models.js';

const ENGINES = ['tatami', 'pytorch', 'tfjs-cpu', 'onnxruntime'] as const;

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? 'missing' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** A Markdown table: one row per model × op × batch, images/s per engine, tatami ÷ PyTorch and ÷ onnxruntime. */
export function formatModels(rows: readonly ModelRow[]): string {
  const lines = [
    '| model | op | batch | tatami img/s | PyTorch img/s | tatami ÷ PyTorch | tfjs-cpu img/s | onnxruntime img/s | tatami ÷ onnxruntime |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const ratio = (a: number | null | undefined, b: number | null | undefined): string => (a != null && b != null ? `${(a / b).toFixed(2)}×` : '—');
  for (const r of rows) {
    const [t, p, j, o] = ENGINES.map((e) => r.imagesPerSecond[e]);
    const once = r.steps['tfjs-cpu'] === 1 ? ' (1 step)' : '';
    lines.push(`| ${modelLabels[r.model]} | ${r.op} | ${r.batch} | ${fmt(t)} | ${fmt(p)} | ${ratio(t, p)} | ${fmt(j)}${once} | ${fmt(o)} | ${ratio(t, o)} |`);
  }
  const missing = new Map<string, string>();
  for (const r of rows) for (const [e, why] of Object.entries(r.missing)) if (!missing.has(`${e}: ${why}`)) missing.set(`${e}: ${why}`, '');
  if (missing.size > 0) lines.push('', ...[...missing.keys()].map((m) => `missing — ${m}`));
  return lines.join('\n');
}

/** The targets, each measured with alternated steps (bench/models.ts measureTargets). */
export function formatTargets(targets: readonly TargetRatio[]): string {
  if (targets.length === 0) return 'targets: not measured (they need batch 32)';
  return targets.map((t) => `${t.what}: ${t.ratio.toFixed(2)}× (target ≥ ${t.target}×) ${t.ratio >= t.target ? 'met' : 'NOT met'} — ${t.rounds} alternated steps each`).join('\n');
}

/** Writes bench/results/models-<date>.json and latest-models.json; returns the dated path. */
export function writeModels(rows: readonly ModelRow[], targets: readonly TargetRatio[], argv: readonly string[], dir = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString();
  const json = `${JSON.stringify({ family: 'models', date, machine: machineInfo(), argv, results: rows, targets }, null, 2)}\n`;
  const stamped = path.join(dir, `models-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(stamped, json);
  writeFileSync(path.join(dir, 'latest-models.json'), json);
  return stamped;
}
