import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The page's code runs in a browser (DOM types), so it has its own tsconfig beside the engine's.
it('the page code (web/) typechecks under TypeScript strict', () => {
  const root = join(import.meta.dirname, '..', '..');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(root, 'web', 'tsconfig.json')], { encoding: 'utf8', timeout: 240_000 });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 300_000);
