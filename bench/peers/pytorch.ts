// PyTorch as a peer of the models family: bench/peers/pytorch_models.py run by /usr/bin/python3 (Debian's
// python3-torch, one thread), on the same batches written to a temporary file. When Python or torch is
// absent, every PyTorch row is reported missing with the install line.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const TORCH_INSTALL = 'apt-get install -y python3-torch';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pytorch_models.py');

/** The PyTorch version, or why it cannot run (with the install line). */
export function torchAvailable(): { version: string } | { missing: string } {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) return { version: r.stdout.trim() };
  return { missing: `PyTorch not found by ${PYTHON} (install: ${TORCH_INSTALL})` };
}

/** One model × operation for PyTorch: its per-step times in milliseconds. */
export interface TorchRow { model: string; op: 'train' | 'predict'; batch: number; ms: number[] }

/**
 * Runs the rows at one batch size on `images` (n batches of [B, 28, 28, 1]) and `labels` (n·B class
 * indices); `budget`: seconds of timed steps per row. Throws with PyTorch's stderr if the script fails.
 */
export function runTorch(
  rows: ReadonlyArray<Pick<TorchRow, 'model' | 'op'>>, batch: number, images: Float32Array[], labels: Int32Array, budget: number,
): TorchRow[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'tatami-torch-'));
  try {
    const data = path.join(dir, 'batches.bin');
    const parts = [...images.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)), Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength)];
    writeFileSync(data, Buffer.concat(parts));
    const spec = path.join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ data, batches: images.length, batch, rows, budget }));
    const r = spawnSync(PYTHON, [SCRIPT, spec], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    if (r.status !== 0) throw new Error(`PyTorch peer failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return r.stdout.trim().split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as TorchRow);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
