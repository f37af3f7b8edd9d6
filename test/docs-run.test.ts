/**
 * Docs that run: every ```sh runnable block of README.md and docs/operations/*.md is executed, in order, one bash
 * per file (`set -euo pipefail`: any failing command fails the block), against a fresh server of the example package
 * (what `npm start` serves) on a SQLite file, with `$ADMIN` its admin key. A ```text output block right after a
 * runnable block lists lines its output (stdout and stderr) must show, in order; `…` stands for anything.
 *
 * So that the blocks run here as written, the test substitutes: `http://127.0.0.1:8080` and `localhost:8080` by the
 * fresh server's address, `data/guarantor.db` (its database under `npm start`) by its database, port 8081 (the
 * replay server of docs/operations/replay.md) by a free port, and any other `data/` by a scratch directory. `npx guarantor` runs `node bin/guarantor.js` directly (one real `npx guarantor` is checked
 * below): npx itself takes seconds a call.
 */
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom, start, type Running } from '../src/main.js';

const root = resolve(import.meta.dirname, '..');
const files = ['README.md', ...readdirSync(join(root, 'docs/operations')).map((f) => `docs/operations/${f}`)].filter(
  (f) => f.endsWith('.md'),
);

export interface Block {
  line: number;
  script: string;
  expected: string[];
}

/** The runnable blocks of a Markdown text, each with the output lines expected of it. */
export function runnableBlocks(text: string): Block[] {
  const out: Block[] = [];
  const re = /^```sh runnable\n([\s\S]*?)^```\n(?:\n?```text output\n([\s\S]*?)^```\n)?/gm;
  for (const m of text.matchAll(re))
    out.push({
      line: text.slice(0, m.index).split('\n').length,
      script: m[1]!,
      expected: (m[2] ?? '').split('\n').filter((l) => l.trim()),
    });
  return out;
}

/** Whether `lines` appear in `output` in order, `…` matching anything. */
export function showsInOrder(output: string, lines: string[]): string | undefined {
  let at = 0;
  for (const l of lines) {
    const re = new RegExp(
      l
        .trim()
        .split('…')
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*'),
    );
    const rest = output.slice(at);
    const m = re.exec(rest);
    if (!m) return l;
    at += m.index + m[0].length;
  }
  return undefined;
}

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

describe('the parser of runnable blocks', () => {
  it('finds blocks with their expected output, and matches in order with …', () => {
    const md =
      'x\n```sh runnable\necho a\n```\n\n```text output\na\n```\n```sh\nnot run\n```\n```sh runnable\necho b\n```\n';
    expect(runnableBlocks(md)).toEqual([
      { line: 2, script: 'echo a\n', expected: ['a'] },
      { line: 12, script: 'echo b\n', expected: [] },
    ]);
    expect(showsInOrder('12 sent in 3.4 s: ok\nlater', ['12 sent in … s', 'later'])).toBeUndefined();
    expect(showsInOrder('later\n12 sent', ['12 sent', 'later'])).toBe('later');
  });
});

describe('docs that run', () => {
  let dir: string;
  let running: Running;
  let bin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guarantor-docs-'));
    running = await start(
      configFrom({ package: 'examples/ukraine-2026.yaml', db: join(dir, 'server.db'), port: '0' }, {}),
    );
    // `npx guarantor ARGS` -> `node bin/guarantor.js ARGS`; anything else goes to the real npx.
    bin = join(dir, 'bin');
    mkdirSync(bin);
    const realNpx = execFileSync('bash', ['-c', 'command -v npx'], { encoding: 'utf8' }).trim();
    writeFileSync(
      join(bin, 'npx'),
      `#!/usr/bin/env bash\nif [ "$1" = guarantor ]; then shift; exec node ${JSON.stringify(join(root, 'bin/guarantor.js'))} "$@"; fi\nexec ${JSON.stringify(realNpx)} "$@"\n`,
    );
    chmodSync(join(bin, 'npx'), 0o755);
  }, 60_000);
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("`npx guarantor` runs the clone's own command", () => {
    expect(execFileSync('npx', ['guarantor', '--version'], { cwd: root, encoding: 'utf8' }).trim()).toMatch(
      /^\d+\.\d+\.\d+/,
    );
  }, 60_000);

  const withBlocks = files.filter((f) => runnableBlocks(readFileSync(join(root, f), 'utf8')).length);
  it('has runnable blocks in README.md and the operations docs', () => {
    expect(withBlocks).toContain('README.md');
    expect(withBlocks).toContain('docs/operations/replay.md');
  });

  it.each(withBlocks)(
    '%s',
    async (file) => {
      const blocks = runnableBlocks(readFileSync(join(root, file), 'utf8'));
      const data = join(dir, file.replace(/\W+/g, '-'), 'data');
      mkdirSync(data, { recursive: true });
      const replayPort = await freePort();
      const base = running.url;
      const substitute = (s: string) =>
        s
          .replaceAll('http://127.0.0.1:8080', base)
          .replaceAll('http://localhost:8080', base)
          .replaceAll('localhost:8080', base.replace(/^http:\/\//, ''))
          .replaceAll('8081', String(replayPort))
          .replaceAll('data/guarantor.db', join(dir, 'server.db'))
          .replace(/(^|[\s='"(])data\//g, `$1${data}/`);
      const script = [
        'set -euo pipefail',
        ...blocks.map((b, i) => `echo "@@block ${i}@@"\n${substitute(b.script)}`),
        'echo "@@end@@"',
      ].join('\n');
      const { output, code } = await new Promise<{ output: string; code: number | null }>((ok) => {
        const p = spawn('bash', ['-c', script], {
          cwd: root,
          detached: true,
          env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, ADMIN: running.bootstrapKey!, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        p.stdout.on('data', (d) => (output += d));
        p.stderr.on('data', (d) => (output += d));
        const timer = setTimeout(() => process.kill(-p.pid!, 'SIGKILL'), 50_000);
        p.on('exit', (code, signal) => {
          if (signal) output += `\n(killed by ${signal})`;
          clearTimeout(timer);
          // Servers a block started in the background go with the group.
          try {
            process.kill(-p.pid!, 'SIGTERM');
          } catch {
            /* already gone */
          }
          ok({ output, code });
        });
      });
      const parts = output.split(/^@@block (\d+)@@\n/m);
      const last = Number(parts.at(-2) ?? -1);
      expect(code, `${file}: the block at line ${blocks[last]?.line} failed:\n${parts.at(-1)}`).toBe(0);
      expect(output).toContain('@@end@@');
      for (let i = 0; i < blocks.length; i++) {
        const shown = parts[2 * i + 2] ?? '';
        const missing = showsInOrder(shown, blocks[i]!.expected);
        expect(missing, `${file}, the block at line ${blocks[i]!.line}: its output lacks "${missing}":\n${shown}`).toBe(
          undefined,
        );
      }
    },
    60_000,
  );
});
