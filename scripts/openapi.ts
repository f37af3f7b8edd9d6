/**
 * Writes the server's OpenAPI document (the one served at /docs/json) for the example package: `npm run openapi`
 * prints it, `npm run openapi -- FILE` writes it. Lint checks it with Redocly (`redocly.yaml`), and the CLI's typed
 * client is generated from it (scripts/gen-client.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ManualClock } from '../src/core/ops/index.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { loadPackageFile } from '../src/package-files.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

/** The document a server running `packagePath` serves. */
export async function openapiDocument(packagePath = 'examples/ukraine-2026.yaml'): Promise<Record<string, unknown>> {
  const loaded = loadPackageFile(packagePath);
  const store = SqliteStore.open({ path: ':memory:' });
  const app = await buildApp({
    store,
    operations: operationsFor(loaded, { clock: new ManualClock(Date.UTC(2026, 6, 1)) }),
    package: loaded,
  });
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  await store.close();
  return doc;
}

type Json = Record<string, unknown>;

/** What a client gets from each JSON success response: counted by `schemaAudit`, asserted by test/openapi-audit.test.ts. */
export interface SchemaAudit {
  /** `METHOD /path STATUS` of every 2xx application/json response. */
  responses: string[];
  /** Those whose schema lists no `required` field (a client sees every field as maybe absent). */
  withoutRequired: string[];
  /** Those with a free-form object anywhere in them (no properties named, or `additionalProperties: true`). */
  opaque: { response: string; at: string }[];
  /** Those with an object that allows fields it does not name (neither closed nor a typed map). */
  open: string[];
}

/**
 * Counts the JSON success responses of an OpenAPI document by how much of their shape they state. An object is
 * free-form when it names no property and types no map (`additionalProperties` a schema), or when it says
 * `additionalProperties: true`; a schema with nothing in it (any JSON value) is free-form too.
 */
export function schemaAudit(doc: Json): SchemaAudit {
  const components = ((doc['components'] as Json | undefined)?.['schemas'] ?? {}) as Record<string, Json>;
  const resolve = (s: Json): Json => {
    const ref = s['$ref'];
    if (typeof ref !== 'string') return s;
    const name = ref.replace('#/components/schemas/', '');
    const target = components[name];
    if (!target) throw new Error(`unresolved $ref ${ref}`);
    return target;
  };
  const out: SchemaAudit = { responses: [], withoutRequired: [], opaque: [], open: [] };
  const hasRequired = (s: Json): boolean => {
    const r = resolve(s);
    const branches = (r['oneOf'] ?? r['anyOf']) as Json[] | undefined;
    if (branches) return branches.every((b) => resolve(b)['type'] === 'null' || hasRequired(b));
    return Array.isArray(r['required']) && r['required'].length > 0;
  };
  const walk = (s: unknown, at: string, seen: Set<unknown>, found: { opaque: string[]; open: boolean }) => {
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    const r = resolve(s as Json);
    if (seen.has(r)) return;
    seen.add(r);
    const structural = ['type', 'properties', 'items', 'oneOf', 'anyOf', 'allOf', 'const', 'enum', '$ref'];
    if (!structural.some((k) => k in r)) found.opaque.push(at || '(root)');
    const props = r['properties'] as Record<string, unknown> | undefined;
    const extra = r['additionalProperties'];
    const isObject = r['type'] === 'object' || props !== undefined;
    if (isObject) {
      const typedMap = extra !== undefined && typeof extra === 'object';
      if (extra === true || (!props && !typedMap)) found.opaque.push(at || '(root)');
      else if (extra !== false && !typedMap) found.open = true;
      if (typedMap) walk(extra, `${at}{*}`, seen, found);
    }
    for (const [k, v] of Object.entries(props ?? {})) walk(v, `${at}.${k}`, seen, found);
    if (r['items']) walk(r['items'], `${at}[]`, seen, found);
    for (const k of ['oneOf', 'anyOf', 'allOf'] as const)
      for (const [i, b] of ((r[k] as unknown[] | undefined) ?? []).entries()) walk(b, `${at}<${k}${i}>`, seen, found);
  };
  for (const [path, item] of Object.entries((doc['paths'] ?? {}) as Record<string, Record<string, Json>>))
    for (const [method, op] of Object.entries(item))
      for (const [status, r] of Object.entries((op['responses'] ?? {}) as Record<string, Json>)) {
        const schema = ((r['content'] as Json | undefined)?.['application/json'] as Json | undefined)?.['schema'];
        if (!status.startsWith('2') || !schema) continue;
        const name = `${method.toUpperCase()} ${path} ${status}`;
        out.responses.push(name);
        if (!hasRequired(schema as Json)) out.withoutRequired.push(name);
        const found = { opaque: [] as string[], open: false };
        walk(schema, '', new Set(), found);
        for (const at of found.opaque) out.opaque.push({ response: name, at });
        if (found.open) out.open.push(name);
      }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === '--audit') {
  // `npm run openapi -- --audit [DOC]`: the counts, for a document on disk or the example package's.
  const { readFileSync } = await import('node:fs');
  const doc = process.argv[3] ? (JSON.parse(readFileSync(process.argv[3], 'utf8')) as Json) : await openapiDocument();
  const a = schemaAudit(doc);
  const opaque = new Set(a.opaque.map((o) => o.response));
  process.stdout.write(
    `${a.responses.length} JSON success responses: ${a.responses.length - a.withoutRequired.length} with required fields, ` +
      `${opaque.size} with a free-form object, ${a.open.length} with an object open to unnamed fields\n` +
      a.withoutRequired.map((r) => `  no required: ${r}\n`).join('') +
      a.opaque.map((o) => `  free-form: ${o.response} at ${o.at}\n`).join('') +
      a.open.map((r) => `  open: ${r}\n`).join(''),
  );
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = `${JSON.stringify(await openapiDocument(), null, 2)}\n`;
  const out = process.argv[2];
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  } else process.stdout.write(text);
}
