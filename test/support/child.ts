/** Starting and killing server processes for crash and multi-server tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface Child {
  proc: ChildProcess;
  url: string;
  /** SIGKILL, and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM: the server closes (and a profiled one writes its profiles), then exits; SIGKILL after 30 s. */
  stop(): Promise<void>;
}

/** The Node.js flags bin/guarantor.js gives the server (its first line), so tests and benchmarks run what is deployed. */
export const serverNodeFlags: string[] = (
  /^#!\/usr\/bin\/env -S node (.*)$/m.exec(readFileSync(join(root, 'bin/guarantor.js'), 'utf8'))?.[1] ?? ''
)
  .split(' ')
  .filter(Boolean);

/**
 * The log key file servers of one PostgreSQL database (URL and schema) share, as a deployment configures it; a
 * SQLite server keeps its key beside its file.
 */
export function sharedLogKeyFile(db: string): string {
  return join(tmpdir(), `guarantor-test-${createHash('sha256').update(db).digest('hex').slice(0, 16)}.log-key`);
}

export async function spawnServer(
  db: string,
  env: Record<string, string> = {},
  pkg = 'examples/ukraine-2026.yaml',
  /** More Node.js flags for the server (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeFlags: string[] = [],
): Promise<Child> {
  if (/^postgres/.test(db) && !env['GUARANTOR_LOG_KEY'] && !env['GUARANTOR_LOG_KEY_FILE'])
    env = { ...env, GUARANTOR_LOG_KEY_FILE: sharedLogKeyFile(db) };
  const proc = spawn(
    process.execPath,
    [
      ...serverNodeFlags,
      ...nodeFlags,
      '--import',
      'tsx',
      join(root, 'test/support/serve-child.ts'),
      join(root, pkg),
      db,
    ],
    {
      cwd: root,
      env: { ...process.env, GUARANTOR_LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s: ${err}`)), 30_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready: ${err}`));
    });
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    url,
    kill9: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
