/**
 * Where model files come from: artifacts in memory, a URL (fetch), or a folder (Node only; the fs
 * code in src/node/model-files.ts is imported on demand, so browser bundles never contain it).
 * Every source checks the bytes it finds against the byte count the manifest claims before it
 * allocates for them.
 */
import { type ModelArtifacts, bytesOf } from './artifacts.js';
import { checkJsonSize, copyJsonSafely, isObject, parseJsonSafely, show } from './safe-json.js';
import { checkWeightBytes } from './decode-weights.js';

/** A model to load: a folder path (Node), a URL of model.json (or of its folder, ending in '/'), or artifacts. */
export type ModelSource = string | URL | ModelArtifacts;

/** model.json, parsed, and a way to read the shards its manifests name. */
export interface OpenedSource {
  /** Names the source in errors. */
  readonly what: string;
  readonly json: unknown;
  /**
   * The concatenated bytes of `paths` (checked by the manifest's reader, weight-paths.ts); refuses,
   * before allocating for them, bytes beyond `totalBytes` (the caller checks that none are missing).
   */
  read(kind: 'model' | 'optimizer', paths: readonly string[], totalBytes: number): Promise<Uint8Array>;
}

export interface SourceOptions {
  /** The fetch to use for URLs (default globalThis.fetch). */
  fetch?: (url: string) => Promise<Response>;
}

/** The shape of src/node/model-files.ts, for the on-demand import. */
type NodeFiles = typeof import('../node/model-files.js');
// Not a literal, so bundlers leave this import alone and browser bundles hold no Node code.
const NODE_FILES = '../node/model-files.js';

export function importNodeFiles(): Promise<NodeFiles> {
  return import(/* @vite-ignore */ NODE_FILES) as Promise<NodeFiles>;
}

export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

export async function openSource(source: ModelSource, options: SourceOptions, prefix: string): Promise<OpenedSource> {
  if (typeof source === 'string' || source instanceof URL) {
    // In Node a string other than an http(s) URL is a path; anywhere else a string is a URL.
    const url = isNode() && typeof source === 'string' && !/^https?:\/\//i.test(source) ? undefined : new URL(source, (globalThis as { location?: { href: string } }).location?.href);
    // In Node a file: URL is a path too.
    const node = url === undefined || (url.protocol === 'file:' && isNode());
    return node ? (await importNodeFiles()).openModelFolder(url ?? source, prefix) : openUrl(url, options, prefix);
  }
  if (isObject(source) && 'modelJson' in source) return openArtifacts(source, prefix);
  throw new Error(`${prefix}: expected a folder path, a URL or { modelJson, weights }, got ${show(source)}`);
}

function openArtifacts(artifacts: ModelArtifacts, prefix: string): OpenedSource {
  const what = `${prefix}: artifacts`;
  const json = typeof artifacts.modelJson === 'string' ? parseJsonSafely(artifacts.modelJson, `${what}.modelJson`) : copyJsonSafely(artifacts.modelJson, `${what}.modelJson`);
  // No weights at all is a model without any (an empty buffer); null or another value is refused.
  const model = bytesOf(artifacts.weights === undefined ? new Uint8Array(0) : artifacts.weights, `${what}.weights`);
  return {
    what: 'artifacts',
    json,
    // The optimizer's bytes are checked when asked for (tatami's loadModel with includeOptimizer).
    read: async (kind) => (kind === 'model' ? model : bytesOf(artifacts.optimizerWeights, `${what}.optimizerWeights`)),
  };
}

async function openUrl(modelUrl: URL, options: SourceOptions, prefix: string): Promise<OpenedSource> {
  const fetchFn = options.fetch ?? (globalThis.fetch as SourceOptions['fetch']);
  if (fetchFn === undefined) throw new Error(`${prefix}: no fetch in this runtime; pass options.fetch`);
  const url = modelUrl.pathname.endsWith('/') ? new URL('model.json', modelUrl) : modelUrl;
  const get = async (u: URL): Promise<Response> => {
    const res = await fetchFn(u.href);
    if (!res.ok) throw new Error(`${prefix}: fetching ${u.href} failed: HTTP ${res.status}`);
    return res;
  };
  const res = await get(url);
  checkJsonSize(Number(res.headers.get('content-length') ?? 0), `${prefix}: ${url.href}`);
  return {
    what: url.href,
    json: parseJsonSafely(await res.text(), url.href),
    async read(_kind, paths, totalBytes) {
      // Collect what the server really sends, stopping as soon as it claims (content-length) or
      // sends more than the manifest accounts for.
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let received = 0;
      for (const p of paths) {
        const shardUrl = new URL(p, url);
        const shard = await get(shardUrl);
        checkWeightBytes(totalBytes, received + Number(shard.headers.get('content-length') ?? 0), `${prefix}: ${shardUrl.href} (by its content-length)`, true);
        const bytes = new Uint8Array(await shard.arrayBuffer());
        checkWeightBytes(totalBytes, (received += bytes.byteLength), `${prefix}: ${shardUrl.href}`, true);
        chunks.push(bytes);
      }
      // One shard is used as it came; several are joined into one buffer.
      return chunks.length === 1 ? chunks[0] : new Uint8Array(await new Blob(chunks).arrayBuffer());
    },
  };
}
