import { show } from './safe-json.js';

/**
 * A shard path of the manifest `what` names, checked, without its './' segments. A manifest is
 * untrusted: a path must stay inside the folder (or beside the URL) of its model.json, so it is a
 * plain relative file name or sub-path. Refused: empty, absolute (`/x`, `C:x`), a scheme or host
 * (`http:`, `//x`), backslashes, '?', '#', '%', `..` segments, control characters, and anything
 * longer than 255 characters.
 */
export function checkShardPath(path: unknown, what: string): string {
  const segments = typeof path === 'string' ? path.split('/') : [''];
  const last = segments.length - 1;
  // eslint-disable-next-line no-control-regex
  const odd = typeof path !== 'string' || path.length > 255 || /[\u0000-\u001f\u007f\\?#%]|^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path);
  if (odd || !segments.every((s, i) => s !== '' && s !== '..' && (s !== '.' || i < last))) {
    throw new Error(`${what}: weights path ${show(path)} must be a relative file path inside the model's folder (see README 'Model files')`);
  }
  // './weights.bin' (as tfjs-node writes) is the same file as 'weights.bin'.
  return segments.filter((s) => s !== '.').join('/');
}
