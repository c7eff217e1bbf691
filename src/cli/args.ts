/**
 * A small strict flag parser for the CLI: `--name value`, `--name=value`, boolean `--flag` and
 * `--no-flag`. Every command declares its flags; anything else is an error naming the flag.
 */
export type FlagKind = 'int' | 'number' | 'string' | 'boolean';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
  /** Allowed values (for strings and ints). */
  readonly choices?: readonly (string | number)[];
}

export type FlagValues = Record<string, string | number | boolean>;

/** A user mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function parseFlags(command: string, argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>): FlagValues {
  const values: FlagValues = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}' for '${command}' (see tatami ${command} --help)`);
    let [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let negated = false;
    if (!(name in specs) && name.startsWith('no-') && specs[name.slice(3)]?.kind === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (spec === undefined) throw new UsageError(`unknown flag --${name} for '${command}' (see tatami ${command} --help)`);
    if (spec.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`flag --${name} takes no value`);
      values[name] = !negated;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith('--'))) throw new UsageError(`flag --${name} needs a value`);
    values[name] = convert(name, raw, spec);
  }
  return values;
}

function convert(name: string, raw: string, spec: FlagSpec): string | number {
  let value: string | number = raw;
  if (spec.kind === 'int' || spec.kind === 'number') {
    value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || (spec.kind === 'int' && !Number.isInteger(value))) {
      throw new UsageError(`flag --${name} needs ${spec.kind === 'int' ? 'an integer' : 'a number'}, got '${raw}'`);
    }
  }
  if (spec.choices !== undefined && !spec.choices.includes(value)) {
    throw new UsageError(`flag --${name} must be one of ${spec.choices.join(', ')}, got '${raw}'`);
  }
  return value;
}

/** The --help text of a command. */
export function helpText(usage: string, specs: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const flag = s.kind === 'boolean' ? `--${name}` : `--${name} ${s.kind === 'string' ? 'VALUE' : 'N'}`;
    return `  ${flag.padEnd(22)} ${s.help}`;
  });
  return `${usage}\n\n${rows.join('\n')}\n`;
}
