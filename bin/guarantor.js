#!/usr/bin/env node
// Runs the built CLI: the bundle when present (fast start), else tsc's output. `npm install` builds both (the
// `prepare` script); `npm run build` rebuilds them.
import { existsSync } from 'node:fs';

const candidates = ['../dist/cli-bundle/main.js', '../dist/cli/main.js'].map((p) => new URL(p, import.meta.url));
const entry = candidates.find((u) => existsSync(u));
if (!entry) {
  process.stderr.write('guarantor: not built yet; run `npm run build` in the project first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main(process.argv);
