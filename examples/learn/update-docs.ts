// Rewrite the output blocks of docs/learn.md and docs/learn.ja.md from fresh runs of the chapter
// scripts (see doc-blocks.ts for the convention). For the tutorial's writers: run it after changing a
// script, read the diff, and fix any prose that quotes a number that moved.
//
// Run: npx tsx examples/learn/update-docs.ts [01-convolution.ts …]   (default: every chapter script)

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refill } from './doc-blocks.js';

const root = join(import.meta.dirname, '..', '..');
const docs = ['docs/learn.md', 'docs/learn.ja.md'];
const wanted = process.argv.slice(2);
const scripts = readdirSync(join(root, 'examples', 'learn'))
  .filter((f) => /^\d\d-.*\.ts$/.test(f) && (wanted.length === 0 || wanted.includes(f)))
  .sort();

const texts = docs.map((d) => readFileSync(join(root, d), 'utf8'));
for (const file of scripts) {
  const script = `examples/learn/${file}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: root, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  texts.forEach((t, i) => (texts[i] = refill(t, script, r.stdout)));
  console.log(`${script}: ${r.stdout.split('\n').length} lines`);
}
docs.forEach((d, i) => writeFileSync(join(root, d), texts[i]));
