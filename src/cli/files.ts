/** File access for commands: the package, and the geometry files it names relative to itself. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { GeometryReader } from '../core/spec/load.js';
import { loadPackage, type LoadedPackage } from '../core/spec/load.js';

/** A usage or I/O problem: exit code 2, as distinct from findings in a package (exit code 1). */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
    throw new UsageError(`cannot read ${path}: ${why}`);
  }
}

export function geometryReaderFor(packagePath: string): GeometryReader {
  const base = dirname(resolve(packagePath));
  return (rel) => {
    try {
      return { ok: true, text: readFileSync(resolve(base, rel), 'utf8') };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return { ok: false, reason: err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message };
    }
  };
}

export function loadPackageFile(path: string): LoadedPackage {
  return loadPackage(readText(path), { file: path, readGeometry: geometryReaderFor(path) });
}
