// The models family's table, the target ratios of issue #15, and its JSON file.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { machineInfo, resultsDir } from './report.js';
import { modelLabels, type ModelRow } from './models.js';

const ENGINES = ['tatami', 'pytorch', 'tfjs-cpu'] as const;

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? 'missing' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** A Markdown table: one row per model × op × batch, images/s per engine and tatami ÷ PyTorch. */
export function formatModels(rows: readonly ModelRow[]): string {
  const lines = ['| model | op | batch | tatami img/s | PyTorch img/s | tatami ÷ PyTorch | tfjs-cpu img/s |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const [t, p, j] = ENGINES.map((e) => r.imagesPerSecond[e]);
    const ratio = t != null && p != null ? `${(t / p).toFixed(2)}×` : '—';
    const once = r.steps['tfjs-cpu'] === 1 ? ' (1 step)' : '';
    lines.push(`| ${modelLabels[r.model]} | ${r.op} | ${r.batch} | ${fmt(t)} | ${fmt(p)} | ${ratio} | ${fmt(j)}${once} |`);
  }
  const missing = new Map<string, string>();
  for (const r of rows) for (const [e, why] of Object.entries(r.missing)) if (!missing.has(`${e}: ${why}`)) missing.set(`${e}: ${why}`, '');
  if (missing.size > 0) lines.push('', ...[...missing.keys()].map((m) => `missing — ${m}`));
  return lines.join('\n');
}

/** The targets, as ratios within this run (training at batch 32), where the rows exist. */
export function formatTargets(rows: readonly ModelRow[]): string {
  const ips = (model: string, engine = 'tatami'): number | null =>
    rows.find((r) => r.model === model && r.op === 'train' && r.batch === 32)?.imagesPerSecond[engine] ?? null;
  const ratio = (a: number | null, b: number | null, target: number, what: string): string =>
    a === null || b === null ? `${what}: not measured` : `${what}: ${(a / b).toFixed(2)}× (target ≥ ${target}×) ${a / b >= target ? 'met' : 'NOT met'}`;
  return [
    ratio(ips('ownloop'), ips('classic3'), 0.7, 'own op loop ÷ fit step, classic 3×3'),
    ratio(ips('convnet_bn'), ips('convnet'), 0.8, 'convnet + BatchNorm ÷ convnet'),
    ratio(ips('classic3'), ips('classic3', 'pytorch'), 1.9, 'classic 3×3 ÷ PyTorch'),
  ].join('\n');
}

/** Writes bench/results/models-<date>.json and latest-models.json; returns the dated path. */
export function writeModels(rows: readonly ModelRow[], argv: readonly string[], dir = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString();
  const json = `${JSON.stringify({ family: 'models', date, machine: machineInfo(), argv, results: rows }, null, 2)}\n`;
  const stamped = path.join(dir, `models-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(stamped, json);
  writeFileSync(path.join(dir, 'latest-models.json'), json);
  return stamped;
}
