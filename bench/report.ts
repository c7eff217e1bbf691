// Printing and saving results: the fixed-width table, the machine description, and the JSON files
// in bench/results/.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result, ResultFile, TimingOptions } from './case.js';

function fmt(x: number | undefined, digits = 1): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(Math.max(0, digits - 1));
  if (Math.abs(x) >= 1) return x.toFixed(digits);
  return x.toPrecision(2);
}

function ratio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

/** The results as a fixed-width table (one row per version; missing/refused rows say why). */
export function formatTable(rows: readonly Result[]): string {
  const header = ['shape', 'op', 'version', 'cold ms', 'median ms', 'min–max ms', 'MAD', 'n', 'throughput', '× tfjs-cpu', '× naive', 'note'];
  const lines: string[][] = [header];
  for (const r of rows) {
    const status = r.status === 'ok' ? '' : r.status === 'missing' ? `missing: ${r.reason}` : `${r.status.toUpperCase()}: ${r.reason}`;
    lines.push([
      r.shape, r.op, r.isReference ? `${r.version} (ref)` : r.version,
      fmt(r.coldMs), fmt(r.medianMs), r.minMs === undefined ? '' : `${fmt(r.minMs)}–${fmt(r.maxMs)}`, fmt(r.madMs),
      r.samples === undefined ? '' : String(r.samples),
      r.throughput === undefined ? '' : `${fmt(r.throughput, 2)} ${r.unit}`,
      ratio(r.vsTfjsCpu), ratio(r.vsNaive),
      [status, r.status === 'missing' ? undefined : r.note].filter((s) => s !== undefined && s !== '').join('; '),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (i === header.length - 1 ? 0 : l[i].length))));
  const numeric = new Set([3, 4, 5, 6, 7, 8, 9, 10]);
  return lines.map((l, li) => l.map((cell, i) => {
    if (i === header.length - 1) return cell;
    return numeric.has(i) && li > 0 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
  }).join('  ').trimEnd()).join('\n');
}

export function machineInfo(): ResultFile['machine'] {
  const cpu = cpus();
  return { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, node: process.version, v8: process.versions.v8, platform: `${process.platform}-${process.arch}` };
}

/** bench/results, next to this file. */
export const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

/**
 * Writes bench/results/<family>-<timestamp>.json and bench/results/latest-<family>.json
 * (or into `dir`). Returns the timestamped path.
 */
export function writeResults(family: string, rows: Result[], timing: TimingOptions, dir = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString();
  const file: ResultFile = { family, date, machine: machineInfo(), argv: process.argv.slice(2), timing, results: rows };
  const json = `${JSON.stringify(file, null, 2)}\n`;
  const stamped = path.join(dir, `${family}-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(stamped, json);
  writeFileSync(path.join(dir, `latest-${family}.json`), json);
  return stamped;
}
