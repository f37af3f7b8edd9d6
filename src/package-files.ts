/**
 * File access for packages: the package, and the geometry files it names relative to itself. The one file-system
 * adapter for loading a package, shared by the composition root (src/main.ts) and the CLI's commands.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { GeometryReader } from './core/spec/load.js';
import { loadPackage, type LoadedPackage } from './core/spec/load.js';
import { InputError } from './input-error.js';

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${reasonOf(e)}`);
  }
}

export function geometryReaderFor(packagePath: string): GeometryReader {
  const base = dirname(resolve(packagePath));
  return (rel) => {
    try {
      return { ok: true, text: readFileSync(resolve(base, rel), 'utf8') };
    } catch (e) {
      return { ok: false, reason: reasonOf(e) };
    }
  };
}

export function loadPackageFile(path: string): LoadedPackage {
  return loadPackage(readText(path), { file: path, readGeometry: geometryReaderFor(path) });
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
}
