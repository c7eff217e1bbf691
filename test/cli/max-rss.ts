// Preloaded into a CLI child by evaluate-full.test.ts: report the process's peak resident set on exit.
process.on('exit', () => process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS} kB\n`));
