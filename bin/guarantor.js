#!/usr/bin/env -S node --max-semi-space-size=32 --v8-pool-size=0
// The larger young generation (V8 default 16 MB semi-spaces) halves scavenges under ingest load: +12% obs/s over
// HTTP. V8's helper threads (concurrent marking, parallel scavenges) number one fewer than the cores rather than
// Node's fixed four, which on two cores left the server's two threads a fraction of a core while a collection
// marked (docs/operations/store.md, "Performance"). `npm start` passes the same flags.
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
