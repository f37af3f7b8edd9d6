// Bundles the CLI (after `tsc` has type-checked and emitted dist/) so a command loads a handful of files instead of
// hundreds: `guarantor check` must start in well under 300 ms. Subcommands stay in separate chunks (code splitting),
// so `check` never loads the server. dist/cli-bundle sits at the same depth as src/cli, so relative paths hold.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const outdir = join(root, 'dist', 'cli-bundle');

/**
 * The server and the stores run from tsc's output in dist/ (they find web/ and their migrations relative to their
 * own files, and start no faster bundled); the bundle imports them, and the error class they share, from there.
 */
const serverFromDist = {
  name: 'server-from-dist',
  setup(b) {
    b.onResolve({ filter: /^\.{1,2}\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      const rel = relative(join(root, 'src'), target);
      // input-error.js too: one InputError class for both sides, or `instanceof` in the CLI misses the server's (a
      // busy port printed a stack trace instead of its one line).
      if (!/^(server|store)\//.test(rel) && rel !== 'main.js' && rel !== 'input-error.js') return undefined;
      const path = relative(outdir, join(root, 'dist', rel))
        .split('\\')
        .join('/');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
};

/**
 * Chunks are named by content hash, so each build leaves the last one's behind. Once a build has written its files
 * (a failed build keeps the old bundle whole, and `main.js` is never missing), every other entry of `dir` goes;
 * nothing outside it is touched. `outputs`: the metafile's output paths, relative to `base`.
 */
export function pruneStale(dir, outputs, base) {
  const kept = new Set(outputs.map((p) => relative(dir, resolve(base, p)).split(/[\\/]/)[0]));
  if (kept.has('..') || kept.has('') || [...kept].some((name) => isAbsolute(name)))
    throw new Error(`bundle: an output outside ${dir}`);
  for (const name of readdirSync(dir)) if (!kept.has(name)) rmSync(join(dir, name), { recursive: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await build({
    absWorkingDir: root, // the metafile's output paths are relative to it
    entryPoints: {
      main: join(root, 'src/cli/main.ts'),
      'simulate-worker': join(root, 'src/cli/simulate-worker.ts'),
      'calibrate-worker': join(root, 'src/cli/calibrate-worker.ts'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    chunkNames: '[name]-[hash]',
    plugins: [serverFromDist],
    // Native modules load from node_modules, only when a command needs them.
    external: ['better-sqlite3', 'pg', 'fastify', '@fastify/*', 'cli-progress', 'playwright-core', 'maplibre-gl'],
    banner: {
      js: "import { createRequire as __guarantorRequire } from 'node:module'; const require = __guarantorRequire(import.meta.url);",
    },
    logLevel: 'warning',
    // Fewer bytes for V8 to scan on every start (about 3% of `check`'s instructions); the source maps keep the names.
    minifyWhitespace: true,
    metafile: true,
  });

  pruneStale(outdir, Object.keys(result.metafile.outputs), root);

  // `import { z } from 'zod'` keeps the whole namespace object, so esbuild cannot drop what the CLI never uses (60
  // locales among it: the zod chunk was 755 KB instead of 260 KB, ~20 ms on every `check`). Import it as a namespace.
  const locales = Object.values(result.metafile.outputs)
    .flatMap((o) => Object.entries(o.inputs))
    .filter(([f, i]) => i.bytesInOutput > 0 && /zod\/v4\/locales\/(?!en\.js)/.test(f));
  if (locales.length > 0) {
    console.error(
      `bundle: zod's locales are in the CLI bundle (${locales.length} files); import zod as \`import * as z from 'zod'\`, not \`import { z }\``,
    );
    process.exit(1);
  }
}
