/**
 * Generates the CLI's typed API client types (src/cli/api-types.ts) from the server's OpenAPI document: every path
 * and operation, its parameters, request body and responses by status and media type (with `required` fields), and
 * the response schemas the client validates answers against at run time.
 *
 *     tsx scripts/gen-client.ts [OUT]            the document of servers running the example packages -> OUT
 *     tsx scripts/gen-client.ts --check [OUT]    exit 1 if OUT is not what the document gives (npm run lint)
 *     tsx scripts/gen-client.ts --from DOC OUT   any document (e.g. a server's /docs/json) -> OUT
 *
 * Some schemas list the running package's values (the actors a key may act for): the same document is built for two
 * packages and an enum that differs between them is widened to its type, so the client talks to any package's
 * server. (TypeScript 7 has no JS API, so this small generator stands in for openapi-typescript.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Schema = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
/** Keywords that say nothing about the shape (dropped from the embedded schemas to keep them small). */
const prose = new Set(['description', 'examples', 'example', 'title', 'summary']);

/** Media types whose body is JSON; text-like ones are strings; anything else (PDF) is bytes. */
export const isJson = (m: string) => m === 'application/json' || /\+json$/.test(m);
const isText = (m: string) => m.startsWith('text/') || /\+xml$|[/+]xml$|ndjson$/.test(m);

const ident = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (ident.test(k) ? k : JSON.stringify(k));
const lit = (v: unknown) => JSON.stringify(v);

/** A JSON Schema (the subset fastify and the routes use) as a TypeScript type. */
export function typeOf(s: unknown, indent = ''): string {
  if (s === true || s === undefined) return 'unknown';
  if (s === false) return 'never';
  const x = s as Schema;
  if (typeof x['$ref'] === 'string') {
    const m = /^#\/components\/schemas\/(.+)$/.exec(x['$ref']);
    if (!m) throw new Error(`unsupported $ref ${x['$ref']}`);
    return `components['schemas'][${lit(m[1])}]`;
  }
  if ('const' in x) return lit(x['const']);
  if (Array.isArray(x['enum'])) return x['enum'].map(lit).join(' | ') || 'never';
  for (const k of ['anyOf', 'oneOf'] as const)
    if (Array.isArray(x[k])) return (x[k] as unknown[]).map((y) => `(${typeOf(y, indent)})`).join(' | ');
  if (Array.isArray(x['allOf'])) return (x['allOf'] as unknown[]).map((y) => `(${typeOf(y, indent)})`).join(' & ');
  const t = x['type'];
  if (Array.isArray(t)) return t.map((one) => typeOf({ ...x, type: one }, indent)).join(' | ');
  switch (t) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `(${typeOf(x['items'], indent)})[]`;
    case 'object':
    case undefined: {
      const props = (x['properties'] ?? {}) as Record<string, unknown>;
      if (t === undefined && !Object.keys(props).length) return 'unknown';
      const required = new Set((x['required'] as string[] | undefined) ?? []);
      const inner = `${indent}  `;
      const lines = Object.entries(props).map(
        ([k, v]) => `${inner}${key(k)}${required.has(k) ? '' : '?'}: ${typeOf(v, inner)};`,
      );
      const extra = x['additionalProperties'];
      const shape = lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '';
      // Extra properties the schema allows are typed as what they may be; none listed and none ruled out: a record.
      const index =
        extra === false
          ? ''
          : extra === undefined || extra === true
            ? lines.length
              ? ''
              : 'Record<string, unknown>'
            : `Record<string, ${typeOf(extra, indent)}>`;
      if (shape && index) return `${shape} & ${index}`;
      return shape || index || 'Record<string, never>';
    }
    default:
      throw new Error(`unsupported type ${String(t)}`);
  }
}

/** A media type's body type. */
function mediaType(media: string, schema: Schema | undefined, indent: string): string {
  if (isJson(media)) return typeOf(schema, indent);
  return isText(media) ? 'string' : 'Uint8Array';
}

/**
 * The schema without its prose, for the run-time table; and open where the document closes an object: the types say
 * which fields there are, but a newer server may add one, and an older CLI should read the answer all the same.
 */
function shapeOnly(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(shapeOnly);
  if (!s || typeof s !== 'object') return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s as Schema)) {
    if (prose.has(k) && typeof v !== 'object') continue;
    if (k === 'examples') continue;
    if (k === 'additionalProperties' && v === false) continue;
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as Schema).map(([p, y]) => [p, shapeOnly(y)]))
        : shapeOnly(v);
  }
  return out;
}

/**
 * One document from two: where an `enum` differs between the documents of two packages it lists the package's own
 * values, and is dropped (the value keeps its `type`).
 */
export function widenPackageEnums(a: unknown, b: unknown): unknown {
  if (Array.isArray(a)) return a.map((x, i) => widenPackageEnums(x, Array.isArray(b) ? b[i] : undefined));
  if (!a || typeof a !== 'object') return a;
  const other = (b && typeof b === 'object' ? b : {}) as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(a as Schema)) {
    if (k === 'enum' && JSON.stringify(v) !== JSON.stringify(other['enum'])) continue;
    out[k] = widenPackageEnums(v, other[k]);
  }
  return out;
}

/** The generated module's text. */
export function generateClient(doc: OpenApiDoc, source: string): string {
  const ops: string[] = [];
  const pathLines = new Map<string, string[]>();
  const table: string[] = [];
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const id = op.operationId;
      if (!id) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      if (seen.has(id)) throw new Error(`operationId ${id} is used twice`);
      seen.add(id);
      const I = '    ';
      const params = op.parameters ?? [];
      const group = (where: string) => {
        const ps = params.filter((p) => p.in === where);
        if (!ps.length) return `${I}  ${where}?: never;`;
        const req = ps.some((p) => p.required);
        const fields = ps.map(
          (p) => `${I}    ${key(p.name)}${p.required ? '' : '?'}: ${typeOf(p.schema, `${I}    `)};`,
        );
        return `${I}  ${where}${req ? '' : '?'}: {\n${fields.join('\n')}\n${I}  };`;
      };
      const body = op.requestBody?.content;
      const requestBody = body
        ? `${I}requestBody${op.requestBody?.required ? '' : '?'}: {\n${I}  content: {\n${Object.entries(body)
            .map(([m, c]) => `${I}    ${lit(m)}: ${mediaType(m, c.schema, `${I}    `)};`)
            .join('\n')}\n${I}  };\n${I}};`
        : `${I}requestBody?: never;`;
      const responses = Object.entries(op.responses ?? {}).map(([status, r]) => {
        const content = Object.entries(r.content ?? {});
        const s = /^\d+$/.test(status) ? status : lit(status);
        if (!content.length) return `${I}  ${s}: { content?: never };`;
        return `${I}  ${s}: {\n${I}    content: {\n${content
          .map(([m, c]) => `${I}      ${lit(m)}: ${mediaType(m, c.schema, `${I}      `)};`)
          .join('\n')}\n${I}    };\n${I}  };`;
      });
      ops.push(
        `  /** ${method.toUpperCase()} ${path}${op.summary ? `: ${op.summary.replace(/\*\//g, '*\\/')}` : ''} */\n` +
          `  ${id}: {\n${I}parameters: {\n${group('path')}\n${group('query')}\n${I}};\n${requestBody}\n` +
          `${I}responses: {\n${responses.join('\n')}\n${I}};\n  };`,
      );
      const lines = pathLines.get(path) ?? [];
      lines.push(`    ${method}: operations[${lit(id)}];`);
      pathLines.set(path, lines);
      const schemas: Record<string, Record<string, unknown>> = {};
      for (const [status, r] of Object.entries(op.responses ?? {}))
        schemas[status] = Object.fromEntries(
          Object.entries(r.content ?? {}).map(([m, c]) => [m, isJson(m) && c.schema ? shapeOnly(c.schema) : null]),
        );
      const bodyTypes = Object.keys(body ?? {});
      table.push(
        `  ${id}: { method: ${lit(method.toUpperCase())}, path: ${lit(path)}, requestTypes: ${lit(bodyTypes)}, responses: ${JSON.stringify(schemas)} },`,
      );
    }
  }
  const components = Object.entries(doc.components?.schemas ?? {})
    .map(([name, s]) => `    ${lit(name)}: ${typeOf(s, '    ')};`)
    .join('\n');
  const componentSchemas = JSON.stringify(
    Object.fromEntries(Object.entries(doc.components?.schemas ?? {}).map(([n, s]) => [n, shapeOnly(s)])),
  );
  return `// Generated by scripts/gen-client.ts from ${source}: do not edit. \`npm run build\` regenerates it;
// \`npm run lint\` fails when it is not what the server's document gives.
/* eslint-disable */

export interface components {
  schemas: {
${components}
  };
}

export interface operations {
${ops.join('\n')}
}

export interface paths {
${[...pathLines].map(([p, ls]) => `  ${lit(p)}: {\n${ls.join('\n')}\n  };`).join('\n')}
}

/** For the client at run time: each operation's method, path, request media types and response schemas. */
export const operationTable = {
${table.join('\n')}
} as const;

/** The document's named schemas, which response schemas reference as \`#/components/schemas/NAME\`. */
export const componentSchemas: Record<string, unknown> = ${componentSchemas};
`;
}

/** The document the client is generated from: the example package's, with package-specific enums widened. */
export async function clientDocument(): Promise<OpenApiDoc> {
  const { openapiDocument } = await import('./openapi.js');
  const a = await openapiDocument('examples/ukraine-2026.yaml');
  const b = await openapiDocument('examples/replay/ukraine-2015-minsk-replay.yaml');
  return widenPackageEnums(a, b) as OpenApiDoc;
}

async function formatted(text: string, file: string): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const check = args[0] === '--check';
  if (check) args.shift();
  let doc: OpenApiDoc;
  let source = "the server's OpenAPI document (scripts/openapi.ts; package enums widened)";
  if (args[0] === '--from') {
    args.shift();
    const from = args.shift()!;
    doc = JSON.parse(readFileSync(from, 'utf8')) as OpenApiDoc;
    source = from;
  } else doc = await clientDocument();
  const out = args[0] ?? 'src/cli/api-types.ts';
  const text = await formatted(generateClient(doc, source), out);
  if (check) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {
      /* missing: stale */
    }
    if (current !== text) {
      process.stderr.write(
        `${out} is not what the server's OpenAPI document gives (a route changed): run \`npm run gen:client\` and commit it\n`,
      );
      process.exit(1);
    }
  } else writeFileSync(out, text);
}
