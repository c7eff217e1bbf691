/**
 * Node-only: model files in a folder (model.json + weights.bin, optionally optimizer.bin).
 *
 * Reading: model.json may be given as the folder or the file itself; each shard the manifest names
 * must resolve (symlinks followed) inside the folder, and the shards' sizes on disk are compared with
 * the manifest's byte count before anything is read into memory.
 *
 * Writing never loses the previous model: each file goes to a temporary file in the target folder
 * (same file system, so rename is atomic), is flushed to disk, and only when all are written are
 * they renamed into place, model.json last. A crash while writing leaves the old files untouched
 * (plus a stray `.tmp` file that the next save removes). The one window left is between the renames:
 * a crash there pairs new weights with the old model.json, which the loader's byte-count check
 * catches whenever the architecture changed.
 */
import { mkdir, open, readFile, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { join, relative, resolve, isAbsolute, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { OpenedSource } from '../io/sources.js';
import { parseJsonSafely, MAX_JSON_CHARS } from '../io/safe-json.js';
import { checkShardPath } from '../io/weight-paths.js';

/** Open a model folder (or its model.json) for loading. */
export async function openModelFolder(location: string | URL, prefix: string): Promise<OpenedSource> {
  let path = location instanceof URL ? fileURLToPath(location) : location;
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new Error(`${prefix}: no model at '${path}' (expected a folder with model.json, or a model.json file)`);
  }
  if (info.isDirectory()) path = join(path, 'model.json');
  const dir = resolve(path, '..');
  let jsonInfo;
  try {
    jsonInfo = await stat(path);
  } catch {
    throw new Error(`${prefix}: '${path}' does not exist (is this a model folder?)`);
  }
  if (jsonInfo.size > MAX_JSON_CHARS) throw new Error(`${prefix}: '${path}' is ${jsonInfo.size} bytes, too large for a model.json`);
  const json = parseJsonSafely(await readFile(path, 'utf8'), path);
  const realDir = await realpath(dir);
  return {
    what: path,
    json,
    async read(_kind, paths, totalBytes) {
      // Resolve and measure every shard first; read nothing until the sizes add up.
      const files: { file: string; size: number }[] = [];
      let onDisk = 0;
      for (const p of paths) {
        const file = join(dir, checkShardPath(p, path));
        let real: string;
        try {
          real = await realpath(file);
        } catch {
          throw new Error(`${prefix}: weight file '${p}' named in ${path} does not exist`);
        }
        const rel = relative(realDir, real);
        if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new Error(`${prefix}: weight file '${p}' resolves outside the model folder`);
        const s = await stat(real);
        if (!s.isFile()) throw new Error(`${prefix}: weight file '${p}' is not a file`);
        files.push({ file: real, size: s.size });
        onDisk += s.size;
      }
      if (onDisk !== totalBytes) {
        throw new Error(`${prefix}: the manifest in ${path} needs ${totalBytes} bytes of weights but the weight files hold ${onDisk} (${onDisk < totalBytes ? 'truncated or mismatched' : 'extra data, or a manifest that does not match'})`);
      }
      const all = new Uint8Array(totalBytes);
      let offset = 0;
      for (const { file, size } of files) {
        const handle = await open(file, 'r');
        try {
          const { bytesRead } = await handle.read(all, offset, size, 0);
          if (bytesRead !== size) throw new Error(`${prefix}: weight file '${file}' changed while it was read`);
        } finally {
          await handle.close();
        }
        offset += size;
      }
      return all;
    },
  };
}

/** One file of a model folder. */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

export interface WriteHooks {
  /**
   * Called when every temporary file is written and flushed, before any is renamed into place.
   * For tests that interrupt a save: a crash (or a throw) here must leave the old model intact.
   */
  afterTempFiles?: () => void | Promise<void>;
}

const TEMP = /^\.(.+)\.[0-9]+-[0-9a-f]{12}\.tmp$/;
/** Files a model folder may hold that a new save replaces or, if it no longer writes them, removes. */
const MANAGED = ['optimizer.bin'];

/** Write `files` into `dir` atomically per file, renaming model.json (the last file) last. */
export async function writeModelFolder(location: string | URL, files: readonly ModelFile[], hooks: WriteHooks = {}): Promise<void> {
  const dir = location instanceof URL ? fileURLToPath(location) : location;
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const temps = files.map((f) => ({ ...f, temp: join(dir, `.${f.name}.${tag}.tmp`), final: join(dir, f.name) }));
  try {
    for (const f of temps) {
      const handle = await open(f.temp, 'w');
      try {
        await handle.writeFile(f.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await hooks.afterTempFiles?.();
    for (const f of temps) await rename(f.temp, f.final);
  } catch (e) {
    await Promise.all(temps.map((f) => unlink(f.temp).catch(() => undefined)));
    throw e;
  }
  await syncDir(dir);
  // Leftovers of interrupted saves, and managed files this save no longer writes.
  for (const name of await readdir(dir)) {
    const stale = TEMP.exec(name);
    if (stale !== null && !name.includes(tag)) await unlink(join(dir, name)).catch(() => undefined);
    if (MANAGED.includes(name) && !files.some((f) => f.name === name)) await unlink(join(dir, name)).catch(() => undefined);
  }
}

/** Flush the folder's entry list so the renames survive a power cut (not possible on every OS). */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a directory for syncing; the renames are still atomic.
  }
}
