/**
 * The shard paths a weights manifest may name. A manifest is untrusted: a path must stay inside the
 * folder (or beside the URL) of its model.json, so it is a plain relative file name or sub-path.
 * Refused: empty, absolute (`/x`, `C:x`), a scheme or host (`http:`, `//x`), backslashes, `..`
 * segments, control characters, and anything longer than 255 characters.
 */
export function checkShardPath(path: unknown, what: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new Error(`${what}: a weights path must be a non-empty string, got ${typeof path === 'string' ? "''" : typeof path}`);
  const bad = (why: string): never => {
    throw new Error(`${what}: weights path '${path.slice(0, 80)}' ${why}; paths must stay inside the model's folder`);
  };
  if (path.length > 255) bad('is longer than 255 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) bad('contains control characters');
  if (path.includes('\\')) bad('contains a backslash');
  if (path.startsWith('/')) bad('is absolute');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path)) bad('has a scheme or drive letter');
  if (path.includes('?') || path.includes('#') || path.includes('%')) bad("contains '?', '#' or '%'");
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) bad("climbs out with '..'");
  if (segments.slice(0, -1).some((s) => s === '') || segments[segments.length - 1] === '' || segments[segments.length - 1] === '.') bad('is not a file path');
  // './weights.bin' (as tfjs-node writes) is the same file as 'weights.bin'.
  return segments.filter((s) => s !== '.').join('/');
}
