/**
 * JSON for model files, read without trusting it: keys that could reach an object's prototype
 * (`__proto__`, `constructor`, `prototype`) are refused while parsing, so nothing downstream can be
 * tricked into prototype pollution, and a text too large is refused before it is parsed.
 */

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** model.json larger than this (64 MiB) is refused: real topologies are kilobytes. */
export const MAX_JSON_CHARS = 64 * 1024 * 1024;

/** Refuse a model.json of more than MAX_JSON_CHARS (its length in characters, or in bytes before it is read). */
export function checkJsonSize(length: number, what: string): void {
  if (length > MAX_JSON_CHARS) throw new Error(`${what} is ${length} characters (or bytes, by its content-length) long, more than the ${MAX_JSON_CHARS} a model.json may have`);
}

/** Parse `text` as JSON, refusing prototype keys; `what` names the file in errors. */
export function parseJsonSafely(text: string, what: string): unknown {
  if (typeof text !== 'string') throw new Error(`${what} must be JSON text, got ${show(text)}`);
  checkJsonSize(text.length, what);
  let forbidden: string | undefined;
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new Error((forbidden = key));
      return value;
    });
  } catch (e) {
    throw new Error(`${what}: ${forbidden === undefined ? `not valid JSON (${(e as Error).message})` : `the key '${forbidden}' is not allowed`}`);
  }
}

/** A model.json given as an object: copied through JSON so it is plain data, with the same checks. */
export function copyJsonSafely(value: unknown, what: string): unknown {
  let text: string | undefined;
  let why = `got ${typeof value}`;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    why = (e as Error).message;
  }
  if (text === undefined) throw new Error(`${what}: cannot be read as JSON (${why})`);
  return parseJsonSafely(text, what);
}

/** A JSON object (not an array, not null). */
export type JsonObject = { readonly [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An own property of a JSON object (never one inherited from Object.prototype); undefined for anything else. */
export function own(o: unknown, key: string): unknown {
  return isObject(o) && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** A short, safe rendering of a value for error messages. */
export function show(v: unknown): string {
  let s: string;
  try {
    // A string holding control characters is shown as JSON, escaped, so that it does not look plain.
    // eslint-disable-next-line no-control-regex
    s = typeof v === 'string' && !/[\u0000-\u001f\u007f]/.test(v) ? `'${v}'` : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
