// PyTorch as a peer of the models family: bench/peers/pytorch_models.py run by /usr/bin/python3
// (Debian's python3-torch, one thread) as one long-lived subprocess per batch size, on the same
// batches written to a temporary file. Steps are asked for a few at a time, so they can alternate
// with tatami's (the machine's load drifts). When Python or torch is absent, every
// PyTorch row is reported missing with the install line.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
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

/** A running PyTorch peer on one set of batches. */
export interface TorchPeer {
  /** Times `steps` more steps of a model kept between calls (warmed up with two steps at the first call). */
  steps(model: string, op: 'train' | 'predict', steps: number): Promise<number[]>;
  close(): void;
}

/** Starts the peer on `images` (n batches of [B, 28, 28, 1]) and `labels` (n·B class indices). */
export async function startTorch(batch: number, images: Float32Array[], labels: Int32Array): Promise<TorchPeer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tatami-torch-'));
  const data = path.join(dir, 'batches.bin');
  const parts = [...images, labels].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  writeFileSync(data, Buffer.concat(parts));
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [SCRIPT, data, String(images.length), String(batch)]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done === true) throw new Error(`PyTorch peer exited: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return r.value;
  };
  const close = (): void => {
    child.stdin.end();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if ((await next()) !== 'ready') throw new Error('PyTorch peer: expected "ready"');
  } catch (e) {
    close();
    throw e;
  }
  return {
    async steps(model, op, steps) {
      child.stdin.write(`${JSON.stringify({ model, op, steps })}\n`);
      return (JSON.parse(await next()) as TorchRow).ms;
    },
    close,
  };
}
