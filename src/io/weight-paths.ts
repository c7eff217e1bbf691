import { show } from './safe-json.js';

/**
 * The shard paths a weights manifest may name. A manifest is untrusted: a path must stay inside the
 * folder (or beside the URL) of its model.json, so it is a plain relative file name or sub-path.
 * Refused: empty, absolute (`/x`, `C:x`), a scheme or host (`http:`, `//x`), backslashes, `..`
 * segments, control characters, and anything longer than 255 characters.
 */
const REFUSED: readonly [rule: RegExp, why: string][] = [
  [/^.{256}/s, 'is longer than 255 characters'],
  // eslint-disable-next-line no-control-regex
  [/[\u0000-\u001f\u007f]/, 'contains control characters'],
  [/\\/, 'contains a backslash'],
  [/^\//, 'is absolute'],
  [/^[a-zA-Z][a-zA-Z0-9+.-]*:/, 'has a scheme or drive letter'],
  [/[?#%]/, "contains '?', '#' or '%'"],
  [/(^|\/)\.\.(\/|$)/, "climbs out with '..'"],
  [/\/\/|\/$|(^|\/)\.$/, 'is not a file path'],
];

/** A shard path of the manifest `what` names, checked and without its './' segments. */
export function checkShardPath(path: unknown, what: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new Error(`${what}: a weights path must be a non-empty string, got ${show(path)}`);
  const why = REFUSED.find(([rule]) => rule.test(path))?.[1];
  if (why !== undefined) throw new Error(`${what}: weights path '${path.slice(0, 80)}' ${why}; paths must stay inside the model's folder`);
  // './weights.bin' (as tfjs-node writes) is the same file as 'weights.bin'.
  return path.split('/').filter((s) => s !== '.').join('/');
}
