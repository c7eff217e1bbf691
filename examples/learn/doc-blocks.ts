// The tutorial's output blocks: how docs/learn.md and docs/learn.ja.md show what the chapter scripts
// print, how test/examples/learn.test.ts checks them, and how update-docs.ts rewrites them.
//
// Convention. An output block is an HTML comment naming the script, then a fenced block:
//
//   <!-- output: examples/learn/01-convolution.ts -->
//   ```text
//   …what the script printed…
//   ```
//
// A script's output may be shown in several blocks with prose between them. Taken in the doc's order,
// a script's blocks must give back its whole output, line by line, in order; blank lines are not
// compared (the blocks are cut at them), and trailing spaces are ignored. Numbers that depend on the
// machine's speed are masked by `maskTimings` on both sides before comparing: durations (the training
// progress lines' "1s 12ms/step"), throughputs ("567 images/s") and speed ratios ("40× slower"). A
// script prints such numbers only in those forms.

export interface OutputBlock {
  /** The script's path from the repository root, e.g. examples/learn/01-convolution.ts. */
  readonly script: string;
  /** The block's lines, without the fences. */
  readonly lines: string[];
  /** Line numbers (0-based) of the opening and closing fences in the doc. */
  readonly open: number;
  readonly close: number;
}

const MARKER = /^<!-- output: (\S+) -->$/;

/** Every output block of a doc, in order. Throws when a marker is not followed by a fenced block. */
export function outputBlocks(doc: string): OutputBlock[] {
  const lines = doc.split('\n');
  const blocks: OutputBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i].trim());
    if (m === null) continue;
    if (!/^```/.test(lines[i + 1] ?? '')) throw new Error(`line ${i + 1}: the output marker for ${m[1]} must be followed by a fenced block`);
    const close = lines.findIndex((l, j) => j > i + 1 && /^```\s*$/.test(l));
    if (close < 0) throw new Error(`line ${i + 1}: the output block for ${m[1]} is never closed`);
    blocks.push({ script: m[1], lines: lines.slice(i + 2, close), open: i + 1, close });
  }
  return blocks;
}

/**
 * Replace what depends on the machine's speed with placeholders: durations ("12s", "48ms/step",
 * "1s/epoch", "850us/step", "3.2 s"), throughputs ("567 images/s", "5.1 GFLOP/s") and speed ratios
 * ("12.5× faster", "40× slower"). A ratio that is not a speed ("100× too few") is kept.
 */
export function maskTimings(line: string): string {
  return line
    .replace(/(?<=^|[\s(])\d+(?:\.\d+)? ?(?:s|ms|us)(?:\/(?:step|epoch))?(?=[\s),;]|$)/g, '<time>')
    .replace(/(?<=^|[\s(])[\d,]+(?:\.\d+)? (?:images\/s|img\/s|GFLOP\/s)(?=[\s),;]|$)/g, '<speed>')
    .replace(/(?<=^|[\s(])\d+(?:\.\d+)?× (?=faster|slower)/g, '<ratio> ');
}

/** The lines that are compared: timings masked, trailing spaces dropped, blank lines left out. */
export function comparable(lines: readonly string[]): string[] {
  return lines.map((l) => maskTimings(l).trimEnd()).filter((l) => l !== '');
}

/**
 * Where the doc's blocks for one script stop matching its output: null when they match, else a
 * message with the first differing line.
 */
export function compareBlocks(script: string, blocks: readonly OutputBlock[], output: string): string | null {
  const shown = comparable(blocks.filter((b) => b.script === script).flatMap((b) => b.lines));
  const printed = comparable(output.split('\n'));
  for (let i = 0; i < Math.max(shown.length, printed.length); i++) {
    if (shown[i] !== printed[i]) {
      return `${script}: the doc's line ${i + 1} (blank lines not counted) is\n  ${JSON.stringify(shown[i] ?? '(nothing: the doc stops here)')}\nbut the script printed\n  ${JSON.stringify(printed[i] ?? '(nothing: the output stops here)')}`;
    }
  }
  return null;
}

/**
 * The doc with every block of `script` refilled from `output`. Each block keeps its place: it starts
 * at the output line equal to its current first line (its anchor) and runs to the next block's
 * anchor; the first block starts at the top of the output and the last runs to its end.
 */
export function refill(doc: string, script: string, output: string): string {
  const lines = doc.split('\n');
  const mine = outputBlocks(doc).filter((b) => b.script === script);
  if (mine.length === 0) return doc;
  const out = output.replace(/\n+$/, '').split('\n');
  const key = (l: string): string => maskTimings(l).trimEnd();
  const starts: number[] = [];
  mine.forEach((b, i) => {
    if (i === 0) return starts.push(0);
    const anchor = b.lines.find((l) => l.trim() !== '');
    const from = starts[i - 1] + 1;
    const at = anchor === undefined ? -1 : out.findIndex((l, j) => j >= from && key(l) === key(anchor));
    if (at < 0) throw new Error(`${script}: block ${i + 1} starts with ${JSON.stringify(anchor)}, which the output no longer prints after line ${from}`);
    starts.push(at);
  });
  // Rewrite from the last block up, so the earlier blocks' line numbers stay valid.
  for (let i = mine.length - 1; i >= 0; i--) {
    const part = out.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : out.length);
    while (part.length > 0 && part[part.length - 1].trim() === '') part.pop();
    while (part.length > 0 && part[0].trim() === '') part.shift();
    lines.splice(mine[i].open + 1, mine[i].close - mine[i].open - 1, ...part.map((l) => l.trimEnd()));
  }
  return lines.join('\n');
}
