/**
 * Validates CAP 1.2 XML against the OASIS schema with xmllint (libxml2-utils), offline (`--nonet`). The schema and
 * the official examples are in test/fixtures/cap-1.2 (copied with their notice; see its README).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const capDir = resolve('test', 'fixtures', 'cap-1.2');
export const capXsd = join(capDir, 'CAP-v1.2.xsd');

export function xmllint(file: string): { ok: boolean; stderr: string } {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', capXsd, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint could not run (install libxml2-utils): ${r.error.message}`);
  return { ok: r.status === 0, stderr: r.stderr };
}

export function validateCap(xml: string): { ok: boolean; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'guarantor-cap-'));
  try {
    const file = join(dir, 'alert.xml');
    writeFileSync(file, xml);
    return xmllint(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
