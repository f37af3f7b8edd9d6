/**
 * Packages from disk for core tests, with node:fs and the core alone: a core test reaches no outer layer
 * (scripts/check-boundaries.mjs), so it cannot use src/package-files.ts, the adapter the CLI and server share.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadPackage, type GeometryReader, type LoadedPackage } from '../../src/core/spec/load.js';

/** Geometry files named relative to the package; a missing file is a load error, as in the CLI. */
export function geometryReaderAt(packagePath: string): GeometryReader {
  const base = dirname(resolve(packagePath));
  return (rel) => {
    try {
      return { ok: true, text: readFileSync(resolve(base, rel), 'utf8') };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  };
}

export function loadPackageAt(path: string): LoadedPackage {
  return loadPackage(readFileSync(path, 'utf8'), { file: path, readGeometry: geometryReaderAt(path) });
}
