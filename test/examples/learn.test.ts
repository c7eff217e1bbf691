import { describe, it, expect, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../web/serve.js';
import { outputBlocks, compareBlocks, comparable, refill, maskTimings } from '../../examples/learn/doc-blocks.js';

// The tutorial (docs/learn.md, docs/learn.ja.md) shows what each chapter script prints. This runs
// every script and checks that both docs show exactly that (timings masked), so a doc cannot go stale.

const root = join(import.meta.dirname, '..', '..');
const docs = ['docs/learn.md', 'docs/learn.ja.md'] as const;
const scripts = readdirSync(join(root, 'examples', 'learn'))
  .filter((f) => /^\d\d-.*\.ts$/.test(f))
  .sort()
  .map((f) => `examples/learn/${f}`);
const text = (doc: string): string => readFileSync(join(root, doc), 'utf8');

/** Run a script as a reader would (node --import tsx), collecting stdout; rejects on a non-zero exit. */
function run(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code}:\n${err}`))));
  });
}

describe('the tutorial: docs/learn.md and docs/learn.ja.md', () => {
  const outputs = new Map<string, string>();
  beforeAll(async () => {
    // Two at a time: the machine has two cores, and each script is a few seconds of one.
    const queue = [...scripts];
    const worker = async (): Promise<void> => {
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) outputs.set(s, await run(s));
    };
    await Promise.all([worker(), worker()]);
  }, 300_000);

  it('has chapter scripts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(7);
  });

  for (const doc of docs) {
    it(`${doc}: every output block is what its script prints`, () => {
      const blocks = outputBlocks(text(doc));
      for (const b of blocks) expect(scripts, `${doc} shows the output of ${b.script}, which does not exist`).toContain(b.script);
      for (const script of scripts) {
        expect(blocks.some((b) => b.script === script), `${doc} shows no output of ${script}`).toBe(true);
        const mismatch = compareBlocks(script, blocks, outputs.get(script) ?? '');
        expect(mismatch, `${doc} is stale (npx tsx examples/learn/update-docs.ts rewrites the blocks)`).toBeNull();
      }
    });
  }

  it('both languages have the same chapters and the same output blocks', () => {
    const [en, ja] = docs.map(text);
    const chapters = (t: string): string[] => [...t.matchAll(/^## (\d+)\. /gm)].map((m) => m[1]);
    expect(chapters(en)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(chapters(ja)).toEqual(chapters(en));
    const shape = (t: string): Array<[string, string[]]> => outputBlocks(t).map((b) => [b.script, comparable(b.lines)]);
    expect(shape(ja)).toEqual(shape(en));
  });

  it('the README and the page link to both docs', () => {
    const readme = text('README.md');
    expect(readme).toMatch(/^## Learn$/m);
    for (const doc of docs) expect(readme).toContain(`(${doc})`);
    // The page is served from web/dist; its link resolves from there to the repository's docs/.
    // (captions.ts is read as text: it is DOM code, typechecked by web/tsconfig.json, not here.)
    const captions = text('web/src/captions.ts');
    const href = (lang: string): string => new RegExp(`^\\s*${lang}: '([^']+)',$`, 'm').exec(captions)?.[1] ?? 'missing';
    const page = new URL('file:///repo/web/dist/index.html');
    expect(new URL(href('en'), page).pathname).toBe('/repo/docs/learn.md');
    expect(new URL(href('ja'), page).pathname).toBe('/repo/docs/learn.ja.md');
    expect(new URL(href('en'), 'http://localhost:8080/').pathname).toBe('/docs/learn.md'); // web/serve.ts serves it there
    expect(text('web/index.html')).toMatch(/<a [^>]*data-tutorial[^>]*href="\.\.\/\.\.\/docs\/learn\.md"/);
  });

  it('npm run web serves both docs where the page links to them', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'tatami-learn-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html>');
    const server = await startServer({ root: dist, port: 0, modelDir: null });
    try {
      for (const doc of docs) {
        const res = await fetch(new URL(`/${doc}`, server.url));
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await res.text()).toBe(text(doc));
      }
      expect((await fetch(new URL('/docs/other.md', server.url))).status).toBe(404);
    } finally {
      await server.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

describe('the output-block checker', () => {
  const script = 'examples/learn/00-demo.ts';
  const doc = [
    '# Demo', '', `<!-- output: ${script} -->`, '```text', 'step 1', 'loss: 0.5000', '```', '',
    'Some prose.', '', `<!-- output: ${script} -->`, '```text', '10/10 - 1s - 12ms/step - loss: 0.2500', '',
    'accuracy: 0.9000', '```', '',
  ].join('\n');
  const printed = 'step 1\nloss: 0.5000\n\n10/10 - 3s - 48ms/step - loss: 0.2500\naccuracy: 0.9000\n';

  it('accepts blocks that give back the output in order, timings masked', () => {
    expect(maskTimings('250/250 [===] - 12s 48ms/step - loss: 0.1 - 1s/epoch - 850us/step')).toBe('250/250 [===] - <time> <time> - loss: 0.1 - <time> - <time>');
    expect(maskTimings('trained in 3.2 s (567 images/s, 5.1 GFLOP/s): 12.5× faster, 40× slower')).toBe('trained in <time> (<speed>, <speed>): <ratio> faster, <ratio> slower');
    // Not speeds: kept, so a change there is caught.
    expect(maskTimings('6.9×10⁹: 100× too few; 3 steps; conv2d_1s; 2 pixels')).toBe('6.9×10⁹: 100× too few; 3 steps; conv2d_1s; 2 pixels');
    expect(compareBlocks(script, outputBlocks(doc), printed)).toBeNull();
  });

  it('fails on a stale number, a missing line or an extra line', () => {
    expect(compareBlocks(script, outputBlocks(doc), printed.replace('0.2500', '0.2501'))).toMatch(/0\.2500[\s\S]*0\.2501/);
    expect(compareBlocks(script, outputBlocks(doc), `${printed}one more line\n`)).toMatch(/one more line/);
    expect(compareBlocks(script, outputBlocks(doc), printed.replace('accuracy: 0.9000\n', ''))).toMatch(/accuracy/);
    expect(compareBlocks('examples/learn/01-other.ts', outputBlocks(doc), 'x\n')).toMatch(/doc stops here/);
  });

  it('refill rewrites each block from its anchor, keeping the prose', () => {
    const next = printed.replace('0.5000', '0.4000').replace('0.9000', '0.9500');
    const refilled = refill(doc, script, next);
    expect(refilled).toContain('Some prose.');
    expect(compareBlocks(script, outputBlocks(refilled), next)).toBeNull();
    expect(outputBlocks(refilled).map((b) => b.lines[0])).toEqual(['step 1', '10/10 - 3s - 48ms/step - loss: 0.2500']);
  });

  it('rejects a marker without a fenced block', () => {
    expect(() => outputBlocks(`<!-- output: ${script} -->\nno fence\n`)).toThrow(/fenced block/);
  });
});
