import { writeFile } from 'node:fs/promises';
import { loadModel } from '../io/load.js';
import { toOnnx } from '../io/onnx.js';
import { formatShape } from '../layers/layer.js';
import { parseFlags, helpText, UsageError, type FlagSpec } from './args.js';

/** `tatami export`: write a saved model as an ONNX file. */

const EXPORT_FLAGS: Record<string, FlagSpec> = {
  model: { kind: 'string', help: 'the saved model folder (model.json + weights)' },
  onnx: { kind: 'string', help: 'the ONNX file to write' },
  opset: { kind: 'int', help: 'ONNX opset, 13 to 21 (default 13)' },
};

export const EXPORT_HELP = helpText(
  'Usage: tatami export --model DIR --onnx FILE [flags]\n\nWrite a saved model as ONNX: NHWC float input with a dynamic batch axis, for onnxruntime and other runtimes.',
  EXPORT_FLAGS,
);

export async function exportModel(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const flags = parseFlags('export', argv, EXPORT_FLAGS);
  if (typeof flags.model !== 'string') throw new UsageError('export needs --model DIR (see tatami export --help)');
  if (typeof flags.onnx !== 'string') throw new UsageError('export needs --onnx FILE (see tatami export --help)');
  const model = await loadModel(flags.model);
  const bytes = toOnnx(model, { opset: flags.opset as number | undefined });
  await writeFile(flags.onnx, bytes);
  log(`Wrote ${flags.onnx} (${bytes.length} bytes): input ${formatShape(model.inputShape)} → output ${formatShape(model.outputShape)}, NHWC`);
}
