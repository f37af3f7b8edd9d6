#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds it (the `prepare` script), `npm run build` rebuilds it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('guarantor: not built yet; run `npm run build` in the project first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main(process.argv);
