/**
 * Reading one Keras layer config without dropping anything: every key must be read by the layer's
 * builder, accepted as harmless, or the load fails naming it. Keys whose only supported value is a
 * neutral one (a regularizer that must be null, `groups` that must be 1) are checked, not ignored.
 */
import { type JsonObject, own, show } from './safe-json.js';

export class ConfigReader {
  private readonly seen = new Set<string>();

  /**
   * `who` prefixes every error, e.g. "loadModel: layer 'conv2d' (Conv2D)"; `kerasMajor` is the Keras
   * version whose meanings the file uses (io/keras-flavor.ts).
   */
  constructor(readonly config: JsonObject, readonly who: string, readonly kerasMajor: 2 | 3 = 2) {}

  fail(message: string): never {
    throw new Error(`${this.who}: ${message}`);
  }

  /** Fail: `key` must be `expected`, naming the value got. */
  must(key: string, expected: string, v: unknown): never {
    return this.fail(`${key} must be ${expected}, got ${show(v)}`);
  }

  /** The raw value of a key (undefined when absent), marking it read. */
  get(key: string): unknown {
    this.seen.add(key);
    return own(this.config, key);
  }

  /** Accept these keys whatever their value (the caller says why in a comment). */
  accept(...keys: string[]): void {
    for (const k of keys) this.seen.add(k);
  }

  /** Keys that tatami supports only with one of these values (absent is fine too). */
  only(key: string, allowed: readonly unknown[], what = key): void {
    const v = this.get(key);
    if (v === undefined || allowed.includes(v)) return;
    this.fail(`${what} ${show(v)} is not supported (supported: ${allowed.map(show).join(' or ')})`);
  }

  /** Keys that must be null or absent, such as regularizers and constraints. */
  nulls(...keys: string[]): void {
    for (const k of keys) this.only(k, [null]);
  }

  int(key: string, fallback?: number, min = 1, max = 2 ** 31 - 1): number {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) this.must(key, `an integer in [${min}, ${max}]`, v);
    return v as number;
  }

  number(key: string, fallback: number, min: number, max: number): number {
    const v = this.get(key);
    if (v === undefined || v === null) return fallback;
    if (!Number.isFinite(v) || (v as number) < min || (v as number) > max) this.must(key, `a number in [${min}, ${max}]`, v);
    return v as number;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.must(key, 'true or false', v);
    return v;
  }

  /** An integer or a pair of integers (Keras accepts both for sizes and strides). */
  pair(key: string, fallback: [number, number] | undefined, max = 2 ** 16): [number, number] {
    const v = this.get(key);
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    const list = typeof v === 'number' ? [v, v] : v;
    if (!Array.isArray(list) || list.length !== 2 || !list.every((d) => Number.isInteger(d) && d >= 1 && d <= max)) this.must(key, `an integer or a pair of integers in [1, ${max}]`, v);
    return [list[0] as number, list[1] as number];
  }

  /** 'valid' or 'same' (any case, as Keras). */
  padding(key = 'padding'): 'valid' | 'same' {
    const v = this.get(key);
    const p = v === undefined ? 'valid' : typeof v === 'string' ? v.toLowerCase() : v;
    if (p !== 'valid' && p !== 'same') this.must(key, "'valid' or 'same'", v);
    return p;
  }

  /** Fail on any key nobody read or accepted. */
  finish(): void {
    for (const key of Object.keys(this.config)) {
      if (!this.seen.has(key)) this.fail(`option '${key}' (${show(this.config[key])}) is not supported`);
    }
  }
}
