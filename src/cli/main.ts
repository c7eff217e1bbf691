#!/usr/bin/env node
/**
 * The `tatami` command: train the classic MNIST CNN, evaluate it, look at its predictions, export it.
 * Every failure is one line on stderr and a non-zero exit code (2 for a wrong command line).
 */
import { train, TRAIN_HELP } from './train.js';
import { evaluate, predict, summary, EVALUATE_HELP, PREDICT_HELP, SUMMARY_HELP } from './inspect.js';
import { viz, VIZ_HELP } from './viz.js';
import { exportModel, EXPORT_HELP } from './export.js';
import { UsageError } from './args.js';

const USAGE = `Usage: tatami <command> [flags]

Commands:
  train      train the classic MNIST CNN and report test accuracy (npm run train)
  evaluate   test loss and accuracy of a saved model
  predict    show a test digit and the model's ten probabilities
  summary    print the model's Keras-style summary
  viz        write PNGs of a model's filters, feature maps, confusion matrix, curves
  export     write a saved model as an ONNX file (--model DIR --onnx FILE)

Run 'tatami <command> --help' for its flags.
`;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const stdout = { write: (s: string) => void process.stdout.write(s), isTTY: process.stdout.isTTY === true };

const COMMANDS: Record<string, { help: string; run: (argv: readonly string[]) => Promise<void> }> = {
  train: { help: TRAIN_HELP, run: (argv) => train(argv, stdout, log) },
  evaluate: { help: EVALUATE_HELP, run: (argv) => evaluate(argv, log) },
  predict: { help: PREDICT_HELP, run: (argv) => predict(argv, log) },
  summary: { help: SUMMARY_HELP, run: (argv) => summary(argv, log) },
  viz: { help: VIZ_HELP, run: (argv) => viz(argv, log) },
  export: { help: EXPORT_HELP, run: (argv) => exportModel(argv, log) },
};

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (entry === undefined) {
    process.stderr.write(`tatami: unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(entry.help);
    return 0;
  }
  try {
    await entry.run(rest);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`tatami ${command}: ${message.split('\n')[0]}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
